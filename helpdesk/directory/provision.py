"""From a directory Identity to the desk's User: match, create, update, roles and groups by the rules.

Used by every sign-in through the directory (one person) and by the sync
(everyone, with the lookups loaded once). Services flush; callers commit.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..auth.lifecycle import reactivate
from ..auth.methods import Identity, SignInFailed
from ..auth.models import RoleSource, User, UserRole
from ..extensions import db
from ..org.models import Department, GroupMember, SupportGroup
from . import rules


class Provisioner:
    """Applies identities; with preload() every lookup is a dictionary (the sync's 20,000 people)."""

    def __init__(self, *, now, actor=None):
        self.now, self.actor = now, actor
        self.matcher = rules.Matcher(rules.effective())
        self.departments = {}
        for dept in db.session.scalars(sa.select(Department).where(Department.is_active)):
            self.departments.setdefault(dept.name.lower(), dept)
            if dept.short_name:
                self.departments.setdefault(dept.short_name.lower(), dept)
        self.groups = {g.name.lower(): g for g in db.session.scalars(sa.select(SupportGroup))}
        self.loaded = False
        self.by_key, self.by_email, self.by_username, self.members = {}, {}, {}, {}

    def preload(self) -> None:
        for user in db.session.scalars(sa.select(User)):
            self._index(user)
        for member in db.session.scalars(sa.select(GroupMember)):
            self.members.setdefault(member.user_id, []).append(member)
        self.loaded = True

    def _index(self, user) -> None:
        if user.directory_id:
            self.by_key[user.directory_id] = user
        if user.email:
            self.by_email[user.email] = user
        self.by_username[user.username] = user

    def _lookup(self, column, value, index):
        if value is None:
            return None
        if self.loaded:
            return index.get(value)
        return db.session.scalar(sa.select(User).where(column == value))

    def find(self, identity: Identity) -> User | None:
        """The user the identity already is: by the directory's key, else an unbound one by e-mail or username."""
        user = self._lookup(User.directory_id, identity.key, self.by_key)
        if user is not None:
            return user
        for column, value, index in ((User.email, identity.email, self.by_email),
                                     (User.username, identity.username, self.by_username)):
            user = self._lookup(column, value, index)
            if user is not None and user.directory_id is None:
                return user
        return None

    def _taken(self, column, value, index, user) -> bool:
        other = self._lookup(column, value, index)
        return other is not None and other is not user

    def apply(self, identity: Identity) -> tuple[User | None, str, dict]:
        """(user, action, changes): action is created, updated, unchanged or conflict (nothing touched)."""
        if not identity.username:
            return None, "conflict", {"reason": "no username"}
        user = self.find(identity)
        if user is not None and user.directory_id is None and _break_glass(user):
            # A local administrator or security officer is the way in when the directory fails; a
            # directory entry with the same name or address must not take it over (nor drop its MFA).
            return None, "conflict", {"reason": _("%(u)s är ett lokalt konto med administratörsbehörighet och "
                                                  "kopplas inte till katalogen", u=user.username)}
        if user is None:
            if self._taken(User.username, identity.username, self.by_username, None):
                return None, "conflict", {"reason": _("användarnamnet %(u)s hör till ett annat katalogkonto",
                                                      u=identity.username)}
            user = User(username=identity.username, full_name=identity.full_name[:200], created_at=self.now,
                        auth_source=identity.source, directory_id=identity.key, is_active=not identity.disabled,
                        session_version=0)
            if identity.disabled:  # listed but disabled: known, closed, and opened again when enabled
                user.deactivated_at, user.deactivation_source = self.now, "directory"
            db.session.add(user)
            action = "created"
        else:
            action = "updated"
        changes = {}

        def put(name, value):
            if getattr(user, name) != value:
                changes[name] = [getattr(user, name), value]
                setattr(user, name, value)

        put("directory_id", identity.key)
        put("auth_source", identity.source)
        put("is_contact", False)
        put("full_name", identity.full_name[:200])
        if identity.email and not self._taken(User.email, identity.email, self.by_email, user):
            put("email", identity.email[:254])
        if identity.username != user.username and not self._taken(User.username, identity.username,
                                                                  self.by_username, user):
            put("username", identity.username[:64])
        dept = self.departments.get((identity.department or "").strip().lower())
        if dept is not None:
            put("department_id", dept.id)
            put("organisation_id", dept.organisation_id)
        roles, groups = self.matcher.grants(identity.groups)
        self._roles(user, roles, changes)
        self._groups(user, groups, changes)
        if not identity.disabled and not user.is_active and user.deactivation_source == "directory":
            reactivate(user, reason=_("Kontot är aktivt i katalogen igen."), actor=self.actor, now=self.now)
            changes["is_active"] = [False, True]
            action = "reactivated"
        if self.loaded:
            self._index(user)
        if action == "updated" and not changes:
            action = "unchanged"
        return user, action, changes

    def _roles(self, user, wanted: set[str], changes) -> None:
        """Directory roles follow the rules; roles given by hand stay whatever the directory says."""
        have = {r.role: r for r in user.role_rows}
        removed = [r for r in user.role_rows if r.source == RoleSource.DIRECTORY and r.role not in wanted]
        added = sorted(wanted - set(have))
        if removed:
            user.role_rows = [r for r in user.role_rows if r not in removed]
        for role in added:
            user.role_rows.append(UserRole(role=role, source=RoleSource.DIRECTORY))
        if removed or added:
            changes["roles"] = {"added": added, "removed": sorted(r.role for r in removed)}

    def _groups(self, user, wanted: set[str], changes) -> None:
        if self.loaded:
            members = self.members.setdefault(user.id or id(user), [])
        elif user.id is None:
            members = []
        else:
            members = list(db.session.scalars(sa.select(GroupMember).where(GroupMember.user_id == user.id)))
        by_group = {m.group_id: m for m in members}
        wanted_ids = {self.groups[name].id for name in wanted if name in self.groups}
        added, removed = [], []
        for member in members:
            if member.source == "directory" and member.group_id not in wanted_ids:
                db.session.delete(member)
                removed.append(member)
        for group_id in sorted(wanted_ids - set(by_group)):
            member = GroupMember(group_id=group_id, user=user, source="directory")  # user may have no id yet
            db.session.add(member)
            added.append(member)
        if self.loaded:
            self.members[user.id or id(user)] = [m for m in members if m not in removed] + added
        if added or removed:
            names = {g.id: g.name for g in self.groups.values()}
            changes["support_groups"] = {"added": sorted(names[m.group_id] for m in added),
                                         "removed": sorted(names[m.group_id] for m in removed)}


PRIVILEGED = {"admin", "security_officer"}


def _break_glass(user) -> bool:
    """A local account whose roles could run the desk: it stays local (an administrator may link it)."""
    return user.auth_source == "local" and bool(PRIVILEGED & {str(r) for r in user.roles})


def sign_in(identity: Identity, *, now) -> User:
    """The desk user for a directory sign-in, created just in time; SignInFailed when the desk refuses."""
    from ..audit.services import record

    provisioner = Provisioner(now=now)
    existing = provisioner.find(identity)
    if existing is not None and identity.source == "oidc" and existing.auth_source == "ldap":
        # The LDAP sync keeps this person's profile; the provider only vouches for who signs in.
        user, action, changes = existing, "unchanged", {}
    else:
        user, action, changes = provisioner.apply(identity)
    if user is None:
        raise SignInFailed(_("Ditt konto kunde inte kopplas till servicedesken: %(r)s. Kontakta servicedesken.",
                             r=changes.get("reason", "")))
    if not user.is_active:
        raise SignInFailed(_("Ditt konto i servicedesken är avstängt. Kontakta servicedesken."))
    db.session.flush()
    if action != "unchanged":
        record(f"user_{action}", actor=None, now=now, object_type="user", object_id=user.id,
               source=identity.source, changes=changes)
    return user
