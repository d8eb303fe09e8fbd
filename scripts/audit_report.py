"""Judges a dependency audit against SECURITY.md, the one list of accepted findings.

What is audited: every pin in requirements.lock, plus the pip, setuptools and wheel pins
that scripts/setup-env.sh installs into .venv (pip freeze leaves those out of the lock).
`--write-requirements FILE` writes that list for pip-audit.

Reads pip-audit's JSON report (`--report FILE`) or, where no vulnerability service can
be reached, matches the pins against a folder of OSV advisories itself (`--advisories
DIR`, e.g. the `vulns/` folder of github.com/pypa/advisory-database).
Exit 0: every finding is listed in SECURITY.md's "Audit findings" table (listed ids that
no longer appear get a warning). Exit 1: a finding is not listed (each is named, with its
package and what to do). Exit 2: the audit could not check the packages (service
unreachable, no report), which is never a pass.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ID = re.compile(r"^\|\s*`?((?:PYSEC|GHSA|CVE|OSV)-[A-Za-z0-9-]+)`?\s*\|")
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")
# setup-env.sh: .venv/bin/python -m pip install --upgrade "pip==X" "setuptools==Y" "wheel==Z"
BOOTSTRAP = re.compile(r"[\"'\s](pip|setuptools|wheel)==([^\"'\s]+)")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    def names(self) -> set[str]:
        return {self.id, *self.aliases}


def listed_ids(security_md: str) -> set[str]:
    """Ids in the first column of the table under the "Audit findings" heading."""
    ids: set[str] = set()
    inside = False
    for line in security_md.splitlines():
        if line.startswith("#"):
            inside = "audit findings" in line.lower()
            continue
        match = ID.match(line.strip()) if inside else None
        if match:
            ids.add(match.group(1))
    return ids


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in lock.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def bootstrap_pins(setup_env: str) -> dict[str, str]:
    """The pip, setuptools and wheel versions setup-env.sh installs before the lock."""
    return {name: version for name, version in BOOTSTRAP.findall(setup_env)}


def audited_pins(lock: str, setup_env: str | None) -> dict[str, str]:
    """The lock's pins, plus the bootstrap pins it does not already name."""
    pinned = pins(lock)
    for name, version in bootstrap_pins(setup_env or "").items():
        pinned.setdefault(canonicalize_name(name), version)
    return pinned


def from_pip_audit(report: dict) -> tuple[list[Finding], list[str]]:
    """Findings and the packages pip-audit could not check."""
    findings, skipped = [], []
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    dependency["name"],
                    dependency.get("version", "?"),
                    vuln["id"],
                    tuple(vuln.get("aliases", [])),
                    tuple(vuln.get("fix_versions", [])),
                )
            )
    return findings, skipped


def _affects(affected: dict, version: Version, raw: str) -> bool:
    if raw in (affected.get("versions") or []):
        return True
    for span in affected.get("ranges", []):
        if span.get("type") != "ECOSYSTEM":
            continue
        start: Version | None = None
        for event in span.get("events", []):
            if "introduced" in event:
                start = Version(event["introduced"] if event["introduced"] != "0" else "0")
            elif "fixed" in event and start is not None:
                if start <= version < Version(event["fixed"]):
                    return True
                start = None
            elif "last_affected" in event and start is not None:
                if start <= version <= Version(event["last_affected"]):
                    return True
                start = None
        if start is not None and version >= start:
            return True
    return False


def from_advisories(folder: Path, pinned: dict[str, str]) -> tuple[list[Finding], str]:
    """The pins matched against OSV advisories (one YAML or JSON file each), and the
    newest `modified` date among them: how current the folder is."""
    import yaml  # only this offline mode needs it

    findings, newest = [], ""
    for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.json")]):
        advisory = (yaml.safe_load if path.suffix == ".yaml" else json.loads)(path.read_text())
        if not isinstance(advisory, dict):
            continue
        newest = max(newest, str(advisory.get("modified", ""))[:10])
        if advisory.get("withdrawn"):
            continue
        for affected in advisory.get("affected", []):
            package = affected.get("package", {})
            name = canonicalize_name(package.get("name", ""))
            if package.get("ecosystem") != "PyPI" or name not in pinned:
                continue
            try:
                version = Version(pinned[name])
                hit = _affects(affected, version, pinned[name])
            except InvalidVersion:
                continue
            if hit:
                events = [
                    e
                    for r in affected.get("ranges", [])
                    if r.get("type") == "ECOSYSTEM"  # not GIT commits
                    for e in r.get("events", [])
                ]
                fixes = tuple(e["fixed"] for e in events if "fixed" in e)
                findings.append(
                    Finding(
                        name,
                        pinned[name],
                        advisory["id"],
                        tuple(advisory.get("aliases", [])),
                        fixes,
                    )
                )
    return findings, newest


def unlisted_message(finding: Finding) -> str:
    fix = ", ".join(finding.fixed_in) or "no fixed release yet"
    aliases = ", ".join(finding.aliases) or "no alias"
    return (
        f"audit: NOT LISTED: {finding.id} ({aliases}) in {finding.package} "
        f"{finding.version}, fixed in {fix}. Either raise the pin in requirements.lock to a "
        "fixed release, if rasa 3.6.21 and rasa-sdk 3.6.2 allow it (check with "
        "`.venv/bin/pip install --dry-run`, then `.venv/bin/pip check` and the unit tests), "
        f"or add {finding.id} to the Audit findings table in SECURITY.md with why it does "
        "not apply here or what mitigates it."
    )


def judge(findings: list[Finding], skipped: list[str], accepted: set[str], total: int) -> int:
    for line in skipped[:5]:
        print(f"  not checked: {line}")
    if skipped:
        print(
            f"audit: {len(skipped)} of {total} packages could not be checked: the vulnerability "
            "service did not answer for them. This is not a pass. Run `make audit` where "
            "https://pypi.org/pypi/<name>/<version>/json answers, or with AUDIT_SERVICE=osv "
            "where https://api.osv.dev answers (AUDIT_OSV_URL=<mirror> for an OSV mirror), or "
            "give an OSV advisory folder: make audit AUDIT_ADVISORIES=/path/to/vulns",
            file=sys.stderr,
        )
        return 2
    unlisted = [f for f in findings if not f.names() & accepted]
    by_package: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        if finding not in unlisted:
            row = sorted(finding.names() & accepted)[0]
            label = finding.id if row == finding.id else f"{finding.id} (row {row})"
            by_package[f"{finding.package} {finding.version}"].append(label)
    for package, ids in sorted(by_package.items()):
        print(f"  listed in SECURITY.md: {package}: {', '.join(sorted(ids))}")
    seen = set().union(*(f.names() for f in findings)) if findings else set()
    for stale in sorted(accepted - seen):
        print(
            f"audit: warning: SECURITY.md lists {stale}, which this audit did not find; "
            "remove its row if it is fixed or withdrawn (an old advisory folder may just "
            "not have it yet)"
        )
    for finding in unlisted:
        print(unlisted_message(finding), file=sys.stderr)
    print(
        f"audit: {total} pinned packages, {len(findings)} finding(s), "
        f"{len(findings) - len(unlisted)} listed in SECURITY.md, {len(unlisted)} not listed"
    )
    return 1 if unlisted else 0


def read_report(path: Path) -> dict | None:
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) and "dependencies" in report else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--report", type=Path, help="pip-audit's --format json output")
    source.add_argument("--advisories", type=Path, help="a folder of OSV advisories")
    source.add_argument(
        "--write-requirements", type=Path, help="write the audited pins for pip-audit -r"
    )
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--setup-env", type=Path, default=ROOT / "scripts" / "setup-env.sh")
    parser.add_argument("--security", type=Path, default=ROOT / "SECURITY.md")
    args = parser.parse_args(argv)
    setup_env = args.setup_env.read_text() if args.setup_env.exists() else None
    pinned = audited_pins(args.lock.read_text(), setup_env)
    if args.write_requirements:
        args.write_requirements.write_text(
            "".join(f"{name}=={version}\n" for name, version in sorted(pinned.items()))
        )
        return 0
    accepted = listed_ids(args.security.read_text()) if args.security.exists() else set()
    if args.report:
        report = read_report(args.report)
        if report is None:
            print(
                f"audit: pip-audit wrote no usable report ({args.report}); its error is above. "
                "Nothing was checked, so this is not a pass.",
                file=sys.stderr,
            )
            return 2
        findings, skipped = from_pip_audit(report)
    else:
        if not args.advisories.is_dir():
            print(f"audit: {args.advisories} is not a folder of OSV advisories", file=sys.stderr)
            return 2
        findings, newest = from_advisories(args.advisories, pinned)
        skipped: list[str] = []
        print(
            f"audit: advisory folder {args.advisories}: newest record modified "
            f"{newest or 'unknown'}; advisories published after that are not checked"
        )
        if not newest or newest < (date.today() - timedelta(days=30)).isoformat():
            print(
                "audit: warning: the advisory folder is over 30 days old (or undated): "
                "a pass from it is not a clean bill of health"
            )
    return judge(findings, skipped, accepted, len(pinned))


if __name__ == "__main__":
    sys.exit(main())
