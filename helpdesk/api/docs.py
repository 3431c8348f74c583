"""The generated OpenAPI document and the browsable documentation (Swagger UI, served locally)."""

from flask import Blueprint, current_app, render_template
from ..auth.routes import declare, public

bp = Blueprint("api_docs", __name__)
declare(bp, public)  # the API's description is no secret


@bp.route("/api/v1/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document, generated from the routes and schemas."""
    from . import api

    return current_app.response_class(current_app.json.dumps(api.spec.to_dict()), mimetype="application/json")


@bp.route("/api/docs")
def docs():
    """Swagger UI from static/vendor (copied from the swagger-ui-dist npm package); no CDN, no inline script."""
    return render_template("api/docs.html")
