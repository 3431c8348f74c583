"""RFC 9457 problem details: every API error, in Swedish or English, naming the fields at fault."""

import http

import marshmallow as ma
from flask import current_app, request
from flask_babel import force_locale, gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; anything larger cannot exist

# Titles per status, written in Swedish (the msgid) with the English translation in the catalogue.
TITLES = {
    400: "Felaktig begäran",
    401: "Inloggning krävs",
    403: "Åtkomst nekad",
    404: "Finns inte",
    405: "Metoden stöds inte",
    406: "Svarsformatet stöds inte",
    409: "Konflikt",
    412: "Resursen har ändrats",
    413: "För stor begäran",
    415: "Innehållstypen stöds inte",
    422: "Ogiltiga uppgifter",
    428: "If-Match krävs",
    429: "För många anrop",
    500: "Internt fel",
}


def title_for(status: int) -> str:
    """The title in the client's language (Accept-Language sv or en; Swedish by default)."""
    text = TITLES.get(status)
    if text is None:
        return http.HTTPStatus(status).phrase if status in http.HTTPStatus._value2member_map_ else "Fel"
    return _(text)


def api_locale() -> str:
    best = request.accept_languages.best_match(current_app.config["LANGUAGES"]) if request else None
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


class FieldError(ma.Schema):
    field = ma.fields.String(required=True, metadata={"description": "The JSON member (or parameter) at fault"})
    message = ma.fields.String(required=True)


class ProblemSchema(ma.Schema):
    """A problem details object (RFC 9457)."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    title_sv = ma.fields.String(metadata={"description": "The title in Swedish"})
    title_en = ma.fields.String(metadata={"description": "The title in English"})
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldError))


def flatten(messages, prefix="") -> list[dict]:
    """webargs/marshmallow messages ({"json": {"body": ["…"]}}) as [{field, message}]."""
    found = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = key if key in ("json", "query", "headers", "form", "files", "view_args") and not prefix \
                else (f"{prefix}.{key}" if prefix else str(key))
            inner = "" if name in ("json", "query", "headers", "form", "files", "view_args") else name
            found += flatten(value, inner)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            found += flatten(item, prefix) if isinstance(item, (dict, list)) else \
                [{"field": prefix or "_schema", "message": str(item)}]
    else:
        found.append({"field": prefix or "_schema", "message": str(messages)})
    return found


def problem(status: int, detail: str | None = None, *, errors=None, headers=None):
    """A problem+json response."""
    with force_locale("sv"):
        sv = title_for(status)
    with force_locale("en"):
        en = title_for(status)
    body = {"type": "about:blank", "title": en if api_locale() == "en" else sv, "title_sv": sv,
            "title_en": en, "status": status, "instance": request.path}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    response = current_app.response_class(current_app.json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    """Any HTTP error raised inside the API, as problem details."""
    data = getattr(error, "data", None) or {}
    errors = flatten(data["messages"]) if "messages" in data else data.get("errors")
    headers = dict(data.get("headers") or {})
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="helpdesk"')
    if error.code == 429:
        retry = getattr(error, "retry_after", None)
        if retry:
            headers["Retry-After"] = str(retry)
    detail = data.get("message") or (error.description if error.code not in (404, 500) else None)
    if error.code == 404:
        detail = None  # never say whether a hidden ticket exists
    return problem(error.code or 500, detail, errors=errors, headers=headers)
