"""Matching directory identities to desk accounts: never a takeover of a local administrator."""

import pytest

from helpdesk.auth.methods import Identity, SignInFailed
from helpdesk.directory.provision import sign_in


@pytest.mark.parametrize("match", ["username", "email"])
def test_a_directory_identity_never_takes_over_a_local_administrator(users, clock, session, match):
    """A guest or colleague whose directory name or address equals the break-glass admin's signs in as nobody."""
    admin = users["admin"]
    identity = Identity(source="oidc", key="guest-object-id", full_name="Gäst",
                        username="admin" if match == "username" else "gast",
                        email=admin.email if match == "email" else "gast@partner.example")
    with pytest.raises(SignInFailed, match="lokalt konto med administratörsbehörighet"):
        sign_in(identity, now=clock.now())
    session.refresh(admin)
    assert admin.auth_source == "local" and admin.directory_id is None


def test_an_unprivileged_local_account_is_still_matched_by_email(users, clock, session):
    anna = users["anna"]
    identity = Identity(source="oidc", key="anna-object-id", username="anna.l", full_name="Anna Lindqvist",
                        email=anna.email)
    assert sign_in(identity, now=clock.now()) is anna
    assert anna.directory_id == "anna-object-id"
