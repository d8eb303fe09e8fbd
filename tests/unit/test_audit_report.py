"""`make audit`'s verdict (scripts/audit_report.py), on advisories written here: findings
are matched to the pins, judged against SECURITY.md's table, and an audit that could not
check the packages never passes."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from bot.settings import PROJECT_ROOT

spec = importlib.util.spec_from_file_location(
    "audit_report", PROJECT_ROOT / "scripts" / "audit_report.py"
)
audit = importlib.util.module_from_spec(spec)
sys.modules["audit_report"] = audit  # dataclasses look their module up there
spec.loader.exec_module(audit)

SECURITY = """# Security
## Audit findings
| id | package | why it does not apply |
|---|---|---|
| `PYSEC-2099-1` | demo | we never call the vulnerable function |
| GHSA-aaaa-bbbb-cccc | gone | fixed long ago |
## Other
| PYSEC-2099-9 | not | a finding table |
"""


def advisory(folder, id_, name, introduced, fixed, aliases=()):
    folder.mkdir(exist_ok=True)
    body = {
        "id": id_,
        "aliases": list(aliases),
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": introduced}, {"fixed": fixed}]}
                ],
            }
        ],
    }
    (folder / f"{id_}.json").write_text(json.dumps(body))


@pytest.fixture
def files(tmp_path):
    (tmp_path / "requirements.lock").write_text("Demo==1.2.0\nother-pkg==3.0\n")
    (tmp_path / "SECURITY.md").write_text(SECURITY)
    return tmp_path


def run(files, *extra):
    return audit.main(
        [
            "--lock",
            str(files / "requirements.lock"),
            "--security",
            str(files / "SECURITY.md"),
            *extra,
        ]
    )


def test_only_the_audit_findings_table_counts():
    assert audit.listed_ids(SECURITY) == {"PYSEC-2099-1", "GHSA-aaaa-bbbb-cccc"}


def test_listed_findings_pass_and_stale_entries_are_pointed_out(files, capsys):
    advisory(files / "vulns", "PYSEC-2099-1", "demo", "1.0", "1.3")
    advisory(files / "vulns", "PYSEC-2099-2", "demo", "1.3", "1.4")  # not our version
    assert run(files, "--advisories", str(files / "vulns")) == 0
    out = capsys.readouterr().out
    assert "1 finding(s), 1 listed in SECURITY.md, 0 not listed" in out
    assert "lists GHSA-aaaa-bbbb-cccc, which no longer applies" in out


def test_an_unlisted_finding_fails_naming_it_and_the_fix(files, capsys):
    advisory(files / "vulns", "PYSEC-2099-3", "other-pkg", "0", "3.1", aliases=["CVE-2099-7"])
    assert run(files, "--advisories", str(files / "vulns")) == 1
    err = capsys.readouterr().err
    assert "PYSEC-2099-3 (CVE-2099-7) in other-pkg 3.0, fixed in 3.1" in err
    assert "SECURITY.md" in err


def test_an_audit_that_could_not_check_is_not_a_pass(files, capsys):
    report = {
        "dependencies": [
            {
                "name": "demo",
                "skip_reason": "Dependency not found on PyPI and could not be audited",
            },
            {"name": "other-pkg", "version": "3.0", "vulns": []},
        ]
    }
    (files / "report.json").write_text(json.dumps(report))
    assert run(files, "--report", str(files / "report.json")) == 2
    assert "1 of 2 packages could not be checked" in capsys.readouterr().err
    report["dependencies"][0] = {
        "name": "demo",
        "version": "1.2.0",
        "vulns": [{"id": "PYSEC-2099-1", "aliases": [], "fix_versions": ["1.3"]}],
    }
    (files / "report.json").write_text(json.dumps(report))
    assert run(files, "--report", str(files / "report.json")) == 0
