"""The assistant as a hub service: the guardrails in a process of the hub's, not the learner's.

    python -m hocso.hub.assistant_service      (started by the hub; HOCSO_COURSE set)

Under the hub a learner's lab runs as the learner's Unix user, so the lab's own server process is
the learner's to inspect: quotas, logs and a remote model's key cannot live there. This service
runs as the hub's user and serves hocso.assistant's AssistantService (hocso.assistant.web) at
`/services/assistant/v1/...`. A kernel sends the learner's hub token (JUPYTERHUB_API_TOKEN of
their lab); the service asks the hub whose it is (HubAuth.user_for_token), so the quota row is the
hub account, whatever HOCSO_LEARNER or `Assistant(learner=...)` says. The remote key is in this
process's environment only (hub.settings passes it to the service, the spawner never to a lab).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

SERVICE = "assistant"


def main() -> None:
    import tornado.httputil
    import tornado.ioloop
    from jupyterhub.services.auth import HubAuth

    from hocso.assistant.service import Identity
    from hocso.assistant.tokens import bearer
    from hocso.assistant.web import ServiceSettings, make_assistant_app
    from hocso.config import load_course

    course = load_course(os.environ["HOCSO_COURSE"])
    auth = HubAuth(cache_max_age=60)

    def identify(request: tornado.httputil.HTTPServerRequest) -> Identity | None:
        token = bearer(request.headers.get("Authorization"))
        if not token:
            return None
        model = auth.user_for_token(token)
        if not model or model.get("kind", "user") != "user":
            return None
        return Identity(model["name"], f"learner:{model['name']}")

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE}/")
    app = make_assistant_app(ServiceSettings(course, prefix=prefix), identify)
    address = urlsplit(os.environ["JUPYTERHUB_SERVICE_URL"])
    app.listen(address.port or 80, address.hostname or "127.0.0.1")
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
