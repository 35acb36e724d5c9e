"""newsdesk: answers questions about news articles with verbatim, cited quotes."""

__all__: list[str] = []
