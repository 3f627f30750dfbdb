"""The Python client generated from the OpenAPI document, as an integrator would make it:
`openapi-python-client` runs without a single warning, and the client drives the main
journey against a live server (the agent submits, the company approves, screening clears,
the visa officer approves, the visa is fetched and its seal verified)."""

from __future__ import annotations

import base64
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from masar.accounts.services import token_create
from masar.applications.models import Application
from masar.core.api.contract import repository_root, schema_dumps, schema_generate
from masar.seasons.models import SeasonRules
from tests.visas import conftest as visas_fixtures
from tests.visas.conftest import run_worker

# The applications' and visas' fixtures: a season open today, a group with its quotas, keys.
_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys

pytestmark = pytest.mark.slow

CONFIG = repository_root() / "tools" / "openapi-client.yaml"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.CompletedProcess]:
    """Generate the client from the document the server serves; importable from sys.path
    (it is pure Python: httpx and attrs)."""
    work = tmp_path_factory.mktemp("client")
    schema = work / "openapi.json"
    schema.write_text(schema_dumps(schema_generate()))
    run = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--config", str(CONFIG),
         "--output-path", str(work / "masar-client")],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    sys.path.insert(0, str(work / "masar-client"))
    yield run
    sys.path.remove(str(work / "masar-client"))
    for name in [m for m in sys.modules if m == "masar_client" or m.startswith("masar_client.")]:
        del sys.modules[name]


def test_the_generator_runs_without_a_warning(generated):
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert "error" not in output.lower(), output


def _client(live_server: Any, user: Any) -> Any:
    client_module = importlib.import_module("masar_client")
    _token, secret = token_create(actor=None, user=user, name="client journey")
    return client_module.AuthenticatedClient(
        base_url=live_server.url,
        token=secret,
        raise_on_unexpected_status=True,
        headers={"Accept-Language": "en"},
    )


def _call(operation: str, **kwargs: Any) -> Any:
    module = importlib.import_module(f"masar_client.api.{operation}")
    response = module.sync_detailed(**kwargs)
    assert response.status_code < 300, (operation, response.status_code, response.content)
    return response


@pytest.mark.django_db(transaction=True)
def test_the_generated_client_drives_the_main_journey(
    generated,
    live_server,
    make_draft,
    agent_staff,
    company_staff,
    visa_officer,
    season,
    visa_keys,
):
    assert generated.returncode == 0
    models = importlib.import_module("masar_client.models")
    SeasonRules.objects.filter(season=season).update(auto_decision=False)
    application = make_draft()
    agent = _client(live_server, agent_staff)
    company = _client(live_server, company_staff)
    officer = _client(live_server, visa_officer)

    submitted = _call(
        "applications.applications_submit_create",
        client=agent,
        application_id=application.pk,
        idempotency_key="journey-submit-1",
    )
    assert submitted.parsed.status == "submitted"
    approved = _call(
        "applications.applications_approve_create", client=company, application_id=application.pk
    )
    # the company sees the neutral status while the authorities review (no tip-off)
    assert approved.parsed.status == "under_review"
    run_worker()  # screening clears it for the consular decision
    queue = _call("visas.visas_decisions_list", client=officer)
    assert [row.id for row in queue.parsed.results] == [application.pk]
    _call(
        "visas.visas_decisions_create",
        client=officer,
        application_id=application.pk,
        body=models.DecisionInputRequest(decision="approve"),
    )
    run_worker()  # the visa is issued in the background

    visas = _call("visas.visas_list", client=company).parsed.results
    [visa] = visas
    assert visa.application_id == application.pk
    seal = _call("visas.visas_seal_retrieve", client=company, number=visa.number)
    pdf = _call("visas.visas_document_pdf_retrieve", client=company, number=visa.number)
    assert pdf.content.startswith(b"%PDF")
    verified = _call(
        "visas.visas_verify_create",
        client=company,
        body=models.VerifyInputRequest(seal=base64.b64encode(seal.content).decode()),
    )
    result = verified.parsed
    assert (result.verdict, result.reason) == ("valid", "valid")
    assert result.visa.visa_number == visa.number
    assert result.visa.passport_number == application.pilgrim.passport_number
    published = _call("keys.keys_retrieve", client=company).parsed
    kinds = sorted(c.kind for c in published.certificates)
    assert kinds[0] == "csca"
    assert result.signer.certificate_reference in {
        c.certificate_reference for c in published.certificates
    }
    assert Application.objects.get(pk=application.pk).status == "issued"
