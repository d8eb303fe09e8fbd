"""`make audit`'s verdict (scripts/audit_report.py), on advisories and reports written
here, without the network: findings are matched to the pins, judged against SECURITY.md's
table (unlisted ones fail, named; stale rows are pointed out), and an audit that could not
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
    (tmp_path / "setup-env.sh").write_text("# no bootstrap pins here\n")
    return tmp_path


def run(files, *extra):
    return audit.main(
        [
            "--lock",
            str(files / "requirements.lock"),
            "--security",
            str(files / "SECURITY.md"),
            "--setup-env",
            str(files / "setup-env.sh"),
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
    assert "lists GHSA-aaaa-bbbb-cccc, which this audit did not find" in out
    assert "listed in SECURITY.md: demo 1.2.0: PYSEC-2099-1" in out


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


def report_with(*vulns, name="other-pkg", version="3.0"):
    return {
        "dependencies": [
            {"name": "demo", "version": "1.2.0", "vulns": []},
            {"name": name, "version": version, "vulns": list(vulns)},
        ]
    }


def test_a_report_finding_is_accepted_by_its_alias_and_an_unlisted_one_fails(files, capsys):
    listed = {"id": "GHSA-zzzz-0000-1111", "aliases": ["PYSEC-2099-1"], "fix_versions": []}
    (files / "report.json").write_text(json.dumps(report_with(listed)))
    assert run(files, "--report", str(files / "report.json")) == 0
    assert "0 not listed" in capsys.readouterr().out

    unlisted = {"id": "GHSA-new0-0000-2222", "aliases": ["CVE-2099-8"], "fix_versions": ["3.2"]}
    (files / "report.json").write_text(json.dumps(report_with(listed, unlisted)))
    assert run(files, "--report", str(files / "report.json")) == 1
    captured = capsys.readouterr()
    assert "2 finding(s), 1 listed in SECURITY.md, 1 not listed" in captured.out
    message = captured.err
    assert "NOT LISTED: GHSA-new0-0000-2222 (CVE-2099-8) in other-pkg 3.0, fixed in 3.2" in message
    assert "raise the pin in requirements.lock" in message
    assert "add GHSA-new0-0000-2222 to the Audit findings table in SECURITY.md" in message


def test_no_usable_report_is_not_a_pass(files, capsys):
    (files / "report.json").write_text("")  # pip-audit crashed (e.g. OSV unreachable)
    assert run(files, "--report", str(files / "report.json")) == 2
    assert "wrote no usable report" in capsys.readouterr().err
    assert run(files, "--report", str(files / "missing.json")) == 2


def test_the_bootstrap_pins_are_audited_too(files):
    (files / "setup-env.sh").write_text(
        '.venv/bin/python -m pip install --quiet --upgrade "pip==26.3" '
        '"setuptools==70.3.0" "wheel==0.45.1"\n'
    )
    (files / "requirements.lock").write_text("Demo==1.2.0\nwheel==0.46.2\n")
    assert run(files, "--write-requirements", str(files / "audited.txt")) == 0
    audited = (files / "audited.txt").read_text().splitlines()
    # The lock's own pin wins over the bootstrap one.
    assert audited == ["demo==1.2.0", "pip==26.3", "setuptools==70.3.0", "wheel==0.46.2"]


def test_the_offline_mode_says_how_current_its_advisories_are(files, capsys):
    advisory(files / "vulns", "PYSEC-2099-1", "demo", "1.0", "1.3")
    body = json.loads((files / "vulns" / "PYSEC-2099-1.json").read_text())
    (files / "vulns" / "PYSEC-2099-1.json").write_text(
        json.dumps({**body, "modified": "2024-10-10T17:35:05Z"})
    )
    assert run(files, "--advisories", str(files / "vulns")) == 0
    assert "newest record modified 2024-10-10" in capsys.readouterr().out


def test_the_real_security_md_table_is_readable():
    text = (PROJECT_ROOT / "SECURITY.md").read_text()
    ids = audit.listed_ids(text)
    assert ids, "SECURITY.md's Audit findings table lists no id"
    table = text.split("### Audit findings", 1)[1].split("\n#", 1)[0]
    rows = [line for line in table.splitlines() if audit.ID.match(line.strip())]
    assert len(rows) == len(ids), "an id is listed twice"
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        assert len(cells) == 4 and all(cells), f"a row without its reason: {row}"
