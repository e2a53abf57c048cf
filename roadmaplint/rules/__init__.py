"""Every rule module; importing this package registers them all."""

from . import style  # noqa: F401
