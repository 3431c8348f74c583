"""Whether the From address of received mail was verified by our own mail server (RFC 8601, 7489).

Only Authentication-Results fields whose authserv-id is in MAIL_TRUSTED_AUTHSERV_IDS are read (the
kommun's border MTA must remove such fields with its own id from incoming mail, as RFC 8601 section 5
requires; anyone can write the header otherwise). Of those, the topmost (added last, by us) counts.

Verdict:
- "pass": DMARC passed, or, without a DMARC verdict, SPF or DKIM passed for the From domain
  (relaxed alignment: the same organisational domain or a subdomain of it).
- "fail": DMARC failed, or, without a DMARC verdict, neither SPF nor DKIM passed aligned with From
  (both failed, soft-failed, were neutral or absent).
- None: no trusted field at all (mail that never passed our border, e.g. internal submission), or
  an unreadable one: the mail is treated as before.

Parsing uses the `authres` package (RFC 8601 grammar with comments, quoting and the DMARC method
registered), the reference implementation used with dkimpy and authheaders.
"""

import logging

import authres
import authres.dmarc
from flask import current_app

log = logging.getLogger(__name__)
_CONTEXT = authres.FeatureContext(authres.dmarc)
PASS, FAIL = "pass", "fail"


def trusted_ids() -> set[str]:
    value = current_app.config.get("MAIL_TRUSTED_AUTHSERV_IDS") or ()
    if isinstance(value, str):
        value = value.split(",")
    return {str(v).strip().lower() for v in value if str(v).strip()}


def _aligned(domain: str, from_domain: str) -> bool:
    domain, from_domain = domain.strip().lower().lstrip("@").rsplit("@", 1)[-1], from_domain.lower()
    return bool(domain) and (domain == from_domain or domain.endswith("." + from_domain)
                             or from_domain.endswith("." + domain) and domain.count(".") >= 1)


def _property(result, type_, name) -> str:
    for prop in result.properties:
        if prop.type == type_ and prop.name == name and prop.value:
            return str(prop.value)
    return ""


def verdict(fields: list[str], sender: str) -> tuple[str | None, str]:
    """(PASS, FAIL or None, a short reason) for mail with these Authentication-Results values and From."""
    trusted = trusted_ids()
    if not trusted:
        return None, ""
    for value in fields:
        try:
            header = _CONTEXT.parse_value(value)
        except authres.AuthResError:
            authserv = value.split(";", 1)[0].strip().split()[0].lower() if value.strip() else ""
            if authserv in trusted:
                log.warning("unreadable Authentication-Results from our own server: %r", value[:200])
                return None, "unreadable Authentication-Results"
            continue
        if str(header.authserv_id).lower() not in trusted:
            continue
        return _judge(header.results, sender)
    return None, ""


def _judge(results, sender: str) -> tuple[str, str]:
    from_domain = sender.rsplit("@", 1)[-1].lower() if "@" in sender else ""
    by_method: dict[str, list] = {}
    for result in results:
        by_method.setdefault(str(result.method).lower(), []).append(result)
    dmarc = [str(r.result).lower() for r in by_method.get("dmarc", [])]
    if "pass" in dmarc:
        return PASS, "dmarc=pass"
    if "fail" in dmarc:
        return FAIL, "dmarc=fail"
    for result in by_method.get("dkim", []):
        if str(result.result).lower() == "pass" and _aligned(
                _property(result, "header", "d") or _property(result, "header", "i"), from_domain):
            return PASS, "dkim=pass"
    for result in by_method.get("spf", []):
        if str(result.result).lower() == "pass" and _aligned(
                _property(result, "smtp", "mailfrom") or _property(result, "smtp", "helo"), from_domain):
            return PASS, "spf=pass"
    seen = ", ".join(f"{m}={'/'.join(str(r.result) for r in rs)}" for m, rs in by_method.items()) or "no results"
    return FAIL, f"not verified ({seen})"
