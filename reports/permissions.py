"""An authentication backend that caches each user's permission set between requests."""

from django.contrib.auth.backends import ModelBackend

from reports.caching import cached, revisions


class CachedPermissionBackend(ModelBackend):
    """ModelBackend whose permission sets come from the cache, keyed by user and access revision.

    Every portal page checks a permission; without this each check costs two
    joined queries. Any change to an account, its groups or a group's permissions
    bumps the access revision (reports.apps), so a revoked permission stops
    working on the very next request.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = cached(
                ("permissions", user_obj.pk),
                lambda: super(CachedPermissionBackend, self).get_all_permissions(user_obj),
                revision=revisions().access,
            )
        return user_obj._perm_cache
