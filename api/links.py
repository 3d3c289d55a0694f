"""OpenAPI links between routes: how the answer of one call feeds the next (ids from bodies,
the ETag into If-Match). Clients and the stateful fuzz test follow them."""

from __future__ import annotations

from typing import Any


def _ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _link(path: str, method: str, description: str, **parameters: str) -> dict[str, Any]:
    params = {k.replace("__", "."): v for k, v in parameters.items()}
    return {"operationRef": _ref(path, method), "description": description, "parameters": params}


SITE = "$response.body#/id"
ETAG = "$response.header.ETag"


def _site_links() -> dict[str, Any]:
    return {
        "ReadSite": _link("/sites/{site_id}", "get", "The site just stored", site_id=SITE),
        "UpdateSite": _link(
            "/sites/{site_id}",
            "patch",
            "Change it, with its ETag",
            site_id=SITE,
            **{"header__If-Match": ETAG},
        ),
        "ReadPolicy": _link("/sites/{site_id}/policy", "get", "Its policy", site_id=SITE),
        "Generate": {
            "operationRef": _ref("/jobs", "post"),
            "description": "Generate a roster for it",
            "requestBody": {
                "site_id": SITE,
                "start": "2021-12-13",
                "days": 3,
                "time_limit": 0.3,
            },
        },
        "DeleteSite": _link("/sites/{site_id}", "delete", "Delete it", site_id=SITE),
    }


def _roster_links(roster: str) -> dict[str, Any]:
    return {
        "EditRoster": _link(
            "/rosters/{roster_id}",
            "patch",
            "Edit it, with its ETag",
            roster_id=roster,
            **{"header__If-Match": ETAG},
        ),
        "PublishRoster": _link(
            "/rosters/{roster_id}/publish",
            "post",
            "Publish it, with its ETag",
            roster_id=roster,
            **{"header__If-Match": ETAG},
        ),
        "Revisions": _link(
            "/rosters/{roster_id}/revisions", "get", "Its revisions", roster_id=roster
        ),
        "ExportCsv": _link(
            "/rosters/{roster_id}/roster.csv", "get", "Its CSV export", roster_id=roster
        ),
        "ExportXlsx": _link(
            "/rosters/{roster_id}/roster.xlsx", "get", "Its workbook", roster_id=roster
        ),
    }


LINKS: dict[tuple[str, str, str], dict[str, Any]] = {
    ("/sites", "post", "201"): _site_links(),
    ("/sites/demo", "post", "201"): _site_links(),
    ("/sites/{site_id}", "get", "200"): _site_links(),
    ("/sites/{site_id}/policy", "get", "200"): {
        "ChangePolicy": _link(
            "/sites/{site_id}/policy",
            "put",
            "A new version, with the current one's ETag",
            site_id="$response.body#/site_id",
            **{"header__If-Match": ETAG},
        )
    },
    ("/jobs", "post", "202"): {
        "ReadJob": _link("/jobs/{job_id}", "get", "Follow the job", job_id=SITE),
        "StopJob": _link("/jobs/{job_id}", "delete", "Stop it", job_id=SITE),
    },
    ("/jobs/{job_id}", "get", "200"): {
        "ReadRoster": _link(
            "/rosters/{roster_id}", "get", "Its roster", roster_id="$response.body#/roster_id"
        )
    },
    ("/rosters/{roster_id}", "get", "200"): _roster_links(SITE),
    ("/rosters/{roster_id}", "patch", "200"): _roster_links("$response.body#/roster/id"),
}


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document) with ``LINKS`` added to the responses they start from."""
    for (path, method, code), links in LINKS.items():
        response = schema["paths"][path][method]["responses"].setdefault(
            code, {"description": "OK"}
        )
        response.setdefault("links", {}).update(links)
    return schema
