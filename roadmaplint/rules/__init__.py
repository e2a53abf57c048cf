"""Every rule module; importing this package registers them all."""

from . import status, structure, style  # noqa: F401
