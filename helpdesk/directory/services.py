"""The directory sync: create and update everyone the directory lists, deactivate who left or was disabled.

A guard stops a run that would deactivate more than a set share of the
active users (a broken filter must not disable the kommun); a dry run and a
stopped run change nothing but leave the same list of changes in their record.
"""

import json

from flask import current_app
from flask_babel import gettext as _

from ..auth.lifecycle import deactivate
from ..extensions import db
from .models import DirectorySync
from .provision import Provisioner


def planned_deactivations(identities, users) -> list:
    """Active directory-managed users the directory no longer lists, or lists as disabled."""
    enabled = {i.key for i in identities if not i.disabled}
    return [u for u in users if u.is_active and u.auth_source == "ldap" and u.directory_id not in enabled]


def guard(to_deactivate: int, active: int, *, force: bool) -> str | None:
    """Why the run must stop, or None."""
    limit = current_app.config.get("DIRECTORY_MAX_DEACTIVATE_PERCENT", 5)
    if force or not to_deactivate or to_deactivate * 100 <= limit * max(active, 1):
        return None
    return _("Synkroniseringen stoppades: den skulle inaktivera %(n)s av %(a)s aktiva användare, mer än "
             "%(p)s %%. Kontrollera katalogens filter och inställningar, eller kör med --force om det är rätt.",
             n=to_deactivate, a=active, p=limit)


def apply_sync(identities, *, now, force=False, actor=None) -> tuple[dict, list, str | None]:
    """Apply the directory's entries; (counts, changes, stop reason). Flushes; the caller commits or rolls back."""
    provisioner = Provisioner(now=now, actor=actor)
    provisioner.preload()
    users = list(provisioner.by_username.values())
    leaving = planned_deactivations(identities, users)
    active = sum(1 for u in users if u.is_active and not u.is_contact)
    counts = {"seen": len(identities), "created": 0, "updated": 0, "unchanged": 0, "deactivated": 0,
              "reactivated": 0, "conflicts": 0}
    changes = []
    stop = guard(len(leaving), active, force=force)
    if stop:
        counts["deactivated"] = len(leaving)
        return counts, [{"action": "deactivate", "username": u.username} for u in leaving], stop
    done, entries = {}, {}
    for identity in identities:
        user, action, what = provisioner.apply(identity)
        if user is not None:
            done[identity.key] = user
        if action == "conflict":
            counts["conflicts"] += 1
            changes.append({"action": "conflict", "username": identity.username, "changes": what})
            continue
        counts[action] += 1
        entries[identity.key] = {"action": action, "username": identity.username, "changes": what}
    db.session.flush()  # every new user has an id now: managers can be pointed at
    by_dn = {i.dn.lower(): i for i in identities if i.dn}
    for identity in identities:
        boss = by_dn.get((identity.manager_dn or "").lower())
        user, manager = done.get(identity.key), done.get(boss.key) if boss else None
        if user is None or manager is None or manager is user or user.manager_id == manager.id:
            continue
        entries[identity.key]["changes"]["manager_id"] = [user.manager_id, manager.id]
        user.manager_id = manager.id
        if entries[identity.key]["action"] == "unchanged":
            entries[identity.key]["action"] = "updated"
            counts["unchanged"] -= 1
            counts["updated"] += 1
    changes.extend(e for e in entries.values() if e["action"] != "unchanged")
    db.session.flush()
    for user in leaving:
        result = deactivate(user, reason=_("Kontot är avstängt eller borttaget i katalogen."), source="directory",
                            actor=actor, now=now)
        counts["deactivated"] += 1
        changes.append({"action": "deactivated", "username": user.username, "changes": result})
    db.session.flush()
    return counts, changes, None


def write_run(*, started, finished, status, trigger, forced, counts, changes, message=None, actor=None) -> DirectorySync:
    run = DirectorySync(
        started_at=started, finished_at=finished, status=status, trigger=trigger, forced=forced,
        seen=counts.get("seen", 0), created=counts.get("created", 0), updated=counts.get("updated", 0),
        deactivated=counts.get("deactivated", 0), reactivated=counts.get("reactivated", 0), message=message,
        changes=json.dumps(changes, ensure_ascii=False, default=str), actor_id=actor.id if actor else None)
    db.session.add(run)
    db.session.flush()
    return run


def summary(run: DirectorySync) -> dict:
    """The run as the command's --json prints it."""
    return {"id": run.id, "status": run.status, "forced": run.forced, "message": run.message,
            "started_at": run.started_at.isoformat(), "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "counts": {"seen": run.seen, "created": run.created, "updated": run.updated,
                       "deactivated": run.deactivated, "reactivated": run.reactivated},
            "changes": json.loads(run.changes)}

