"""Errors raised by the object stores; backend exceptions never leak past them."""


class StorageError(Exception):
    """Base class of every storage error."""


class ObjectTooLarge(StorageError):
    """The upload went past the allowed size; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"object larger than {limit} bytes")
        self.limit = limit


class EmptyObject(StorageError):
    """The upload had no bytes; nothing was stored."""

    def __init__(self) -> None:
        super().__init__("empty object")


class ObjectMissing(StorageError):
    """No object under this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no object {key}")
        self.key = key


class InvalidKey(StorageError, ValueError):
    """The key does not follow the `sha256/ab/cd/<hex>` layout."""


class StorageUnavailable(StorageError):
    """The backend does not answer, or refuses our credentials."""


class LinkInvalid(StorageError):
    """A signed link is malformed, tampered with or signed with another secret."""


class LinkExpired(LinkInvalid):
    """A signed link was genuine but its time is over."""
