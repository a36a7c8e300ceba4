"""The API's documentation page: Swagger UI over the published OpenAPI schema.

Served from the files django-ninja ships (``ninja/static/ninja``, through
whitenoise), never a CDN, so the page works under the site's Content Security
Policy unchanged: its one script of its own is a static file, and its settings
are a JSON data block, which no browser runs. It is for people who will call the
API: only signed-in users see it (any role, after their second factor where
they have one, since it sits outside ``/api/``). It shows no personal data, only
what the schema at ``/api/v1/openapi.json`` already says.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from ninja.openapi.docs import Swagger

from wholestory.web.api.api import api

#: No validator badge (it would fetch an image from outside the site); a token typed into
#: "Authorize" is kept for the page only, not in the browser's storage.
SWAGGER = Swagger(settings={"validatorUrl": None, "persistAuthorization": False})


@never_cache
@login_required
def api_docs_view(request: HttpRequest) -> HttpResponse:
    """Swagger UI for the API, for signed-in users."""
    return SWAGGER.render_page(request, api)
