"""Every rule module; importing this package registers them all."""

from . import encoding, links, order, status, structure, style  # noqa: F401
