"""The directory (Active Directory, OpenLDAP, Entra ID) as the source of users: sync, group rules, run records."""
