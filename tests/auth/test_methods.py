"""The sign-in seam's pieces that need no server: AD's attribute names, group rule matching, method lists."""

import uuid

from helpdesk.auth.methods import enabled
from helpdesk.auth.methods.ldap import LdapDirectory
from helpdesk.directory.rules import Matcher, Rule


def ad(app):
    return LdapDirectory({**app.config, "LDAP_URL": "ldaps://127.0.0.1", "LDAP_USER_BASE": "DC=exempelby,DC=local"})


def test_active_directory_entry_through_the_default_map(app):
    guid = uuid.uuid4()
    identity = ad(app).identity("CN=Anna,OU=Anstallda,DC=exempelby,DC=local", {
        "objectGUID": [guid.bytes_le], "sAMAccountName": ["Anna.L"], "displayName": ["Anna Lindqvist"],
        "mail": ["Anna.Lindqvist@Exempelby.se"], "department": ["SOC"],
        "memberOf": ["CN=IT-Servicedesk,OU=Grupper,DC=exempelby,DC=local"], "userAccountControl": ["512"]})
    assert identity.key == str(guid) and identity.username == "anna.l"
    assert identity.email == "anna.lindqvist@exempelby.se" and identity.department == "SOC"
    assert identity.disabled is False


def test_userAccountControl_bit_2_means_disabled(app):
    identity = ad(app).identity("CN=Bo,DC=x", {"sAMAccountName": "bo", "userAccountControl": "514"})
    assert identity.disabled is True and identity.key == "cn=bo,dc=x"  # no objectGUID read: the DN is the key


def test_rules_match_a_group_by_its_dn_or_its_name():
    matcher = Matcher([Rule("CN=IT-Servicedesk,OU=Grupper,DC=exempelby,DC=local", ("agent",), ("Servicedesk",)),
                       Rule("Informationssakerhet", ("security_officer",), ())])
    roles, groups = matcher.grants(["cn=it-servicedesk,ou=grupper,dc=exempelby,dc=local",
                                    "CN=Informationssakerhet,OU=Grupper,DC=exempelby,DC=local", "CN=Other,DC=x"])
    assert roles == {"agent", "security_officer"} and groups == {"servicedesk"}


def test_methods_setting_as_json_list_or_comma_text(app):
    saved = app.config["AUTH_METHODS"]
    try:
        app.config["AUTH_METHODS"] = ["oidc", "saml", "local"]
        assert enabled() == ["oidc", "local"]  # unknown names are left out
        app.config["AUTH_METHODS"] = "ldap, local"
        assert enabled() == ["ldap", "local"]
    finally:
        app.config["AUTH_METHODS"] = saved
