"""What a process may keep of public content while the content version
(plumbing.pagecache.current_version) stays the same: every write that changes
public content bumps it, and every process reads it at most once per
PAGE_CACHE_VERSION_SECONDS, so a kept value is at most that old, like a
cached page. For the few rows a public form's POST needs (its forum and
whether it is open), so that POST reads no row of them."""

import copy

from .pagecache import current_version

_LIMIT = 1000
_kept = {}


def kept(key, load):
    """`load()`'s value for `key` under the current content version, loaded
    once per version in this process; each caller gets its own copy. What
    `load` raises is raised, and nothing is kept."""
    version = current_version()
    hit = _kept.get(key)
    if hit is None or hit[0] != version:
        if len(_kept) >= _LIMIT:
            _kept.clear()
        hit = _kept[key] = (version, load())
    return copy.copy(hit[1])


def clear():
    _kept.clear()
