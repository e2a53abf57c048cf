"""Every rule module; importing this package registers them all."""

from . import encoding, links, status, structure, style  # noqa: F401
