"""Every rule module; importing this package registers them all."""

from . import links, status, structure, style  # noqa: F401
