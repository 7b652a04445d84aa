"""dossier package: the domain."""

# Every session keeps the audit chain: its session events are installed with the package.
from dossier import audit as _audit  # noqa: F401
