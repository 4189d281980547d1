"""The maintainers' admin pages: sign-in, review queue, curation, audit log, unmet needs."""

from catalogue.admin.audit import AuditPages
from catalogue.admin.duplicates import DuplicatePages
from catalogue.admin.entries import EntryPages
from catalogue.admin.maintainers import MaintainerPages
from catalogue.admin.pages import AdminHome
from catalogue.admin.review import ReviewPages
from catalogue.admin.session import session_config
from catalogue.admin.signin import SignInPages

#: Every admin controller, for the app factory to register.
ADMIN_PAGES = [
    SignInPages,
    AdminHome,
    ReviewPages,
    EntryPages,
    DuplicatePages,
    MaintainerPages,
    AuditPages,
]

__all__ = ["ADMIN_PAGES", "session_config"]
