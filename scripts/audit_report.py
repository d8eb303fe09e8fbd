"""Judges a dependency audit against SECURITY.md, the one list of accepted findings.

Reads pip-audit's JSON report (`--report FILE`) or, where no vulnerability service can
be reached, matches the pins in requirements.lock against a folder of OSV advisories
itself (`--advisories DIR`, e.g. the `vulns/` folder of github.com/pypa/advisory-database).
Exit 0: every finding is listed in SECURITY.md's "Audit findings" table. Exit 1: a
finding is not listed (each is named, with its package and what to do). Exit 2: the
audit could not check the packages (service unreachable), which is not a pass.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ID = re.compile(r"^\|\s*`?((?:PYSEC|GHSA|CVE|OSV)-[A-Za-z0-9-]+)`?\s*\|")


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
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


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


def from_advisories(folder: Path, pinned: dict[str, str]) -> list[Finding]:
    """The pins matched against OSV advisories (one YAML or JSON file each)."""
    findings = []
    for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.json")]):
        advisory = (yaml.safe_load if path.suffix == ".yaml" else json.loads)(path.read_text())
        if not isinstance(advisory, dict) or advisory.get("withdrawn"):
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
    return findings


def judge(findings: list[Finding], skipped: list[str], accepted: set[str], total: int) -> int:
    for line in skipped[:5]:
        print(f"  not checked: {line}")
    if skipped:
        print(
            f"audit: {len(skipped)} of {total} packages could not be checked: the vulnerability "
            "service did not answer for them. This is not a pass. Run `make audit` where "
            "https://pypi.org/pypi/<name>/<version>/json or https://api.osv.dev answers, or "
            "give an OSV advisory folder: make audit AUDIT_ADVISORIES=/path/to/vulns",
            file=sys.stderr,
        )
        return 2
    unlisted = [f for f in findings if not f.names() & accepted]
    seen = set().union(*(f.names() for f in findings)) if findings else set()
    for stale in sorted(accepted - seen):
        print(f"audit: warning: SECURITY.md lists {stale}, which no longer applies; remove it")
    for finding in unlisted:
        fix = ", ".join(finding.fixed_in) or "no fixed release yet"
        print(
            f"audit: {finding.id} ({', '.join(finding.aliases) or 'no alias'}) in "
            f"{finding.package} {finding.version}, fixed in {fix}: upgrade the pin in "
            "requirements.lock if Rasa allows it, or add the id to SECURITY.md's Audit "
            "findings table with why it does not apply or what mitigates it",
            file=sys.stderr,
        )
    print(
        f"audit: {total} pinned packages, {len(findings)} finding(s), "
        f"{len(findings) - len(unlisted)} listed in SECURITY.md, {len(unlisted)} not listed"
    )
    return 1 if unlisted else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--report", type=Path, help="pip-audit's --format json output")
    source.add_argument("--advisories", type=Path, help="a folder of OSV advisories")
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--security", type=Path, default=ROOT / "SECURITY.md")
    args = parser.parse_args(argv)
    pinned = pins(args.lock.read_text())
    accepted = listed_ids(args.security.read_text()) if args.security.exists() else set()
    if args.report:
        findings, skipped = from_pip_audit(json.loads(args.report.read_text()))
    else:
        if not args.advisories.is_dir():
            print(f"audit: {args.advisories} is not a folder of OSV advisories", file=sys.stderr)
            return 2
        findings, skipped = from_advisories(args.advisories, pinned), []
    return judge(findings, skipped, accepted, len(pinned))


if __name__ == "__main__":
    sys.exit(main())
