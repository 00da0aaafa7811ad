"""``python -m release``: the engine's command line, what the nox sessions call.

This is the only place where a :class:`~release.errors.ReleaseError` becomes an exit code:
0 success, 1 a check or step failed, 2 bad input or usage (nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, NoReturn, Sequence


def _project_off_sys_path() -> None:
    """``python -m release`` puts the working directory, the project, first on ``sys.path``: a
    flat-layout project named like one of the engine's dependencies (tomlkit, or rich under
    twine) would be imported in their place, and bytecode written into its tree. The engine
    reads the project's files and never imports it: every entry naming the working directory
    ("", or an empty PYTHONPATH item) is dropped, unless this engine is the project
    (nox-release releasing itself)."""
    cwd = os.getcwd()
    engine_home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if engine_home != cwd:
        sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or cwd) != cwd]


if __name__ == "__main__":
    _project_off_sys_path()

from . import __version__, config  # noqa: E402 (after the sys.path fix)
from .errors import ReleaseError, UsageError  # noqa: E402

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (exit 2, with a hint) instead of exiting on its own."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", f"see '{self.prog} --help' for the usage")


def _config(args: argparse.Namespace) -> config.Config:
    return config.load(Path(args.project) if args.project else None)


_NO_CACHE_HELP = "re-run the checkers even where a PASS on the same tree is recorded"


def _check(args: argparse.Namespace) -> int:
    from . import checklist

    cfg = _config(args)
    return checklist.run_check(
        cfg,
        json_file=args.json,
        strict=args.strict,
        version=args.version,
        wait_ci=args.wait_ci,
        use_cache=not args.no_cache,
        out=print,
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 6 * 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 21600")
    return value


def _versions(args: argparse.Namespace) -> int:
    from . import bump

    return bump.run_versions(_config(args), out=print)


def _bump(args: argparse.Namespace) -> int:
    from . import bump
    from .git import Git

    cfg = _config(args)
    options = bump.BumpOptions(
        pre=args.pre, date=args.date, summary=args.summary, allow_empty=args.allow_empty
    )
    return bump.run_bump(
        cfg, args.spec, options, dry_run=args.dry_run, tags=Git(cfg.root).tags(), out=print
    )


def _notes(args: argparse.Namespace) -> int:
    from . import bump

    return bump.run_notes(_config(args), args.version, out=print)


def _tool(name: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        from . import tools

        extra = list(getattr(args, "args", []) or [])
        return tools.run_tool(_config(args), name, extra, out=print)

    return handler


def _checker(job: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        from . import checkers

        return checkers.run_job(_config(args), job, out=print)

    return handler


def _plan(args: argparse.Namespace) -> int:
    from . import publish

    return publish.run_plan(_config(args), args.version, out=print)


def _publish(args: argparse.Namespace) -> int:
    from . import publish

    from .bump import BumpOptions

    options = publish.PublishOptions(
        BumpOptions(date=args.date, allow_empty=args.allow_empty),
        dry_run=args.dry_run,
        yes=args.yes,
        allow_unknown=args.allow_unknown,
        security=args.security,
        disclose=args.disclose,
        use_cache=not args.no_cache,
    )
    return publish.run_publish(_config(args), args.version, options, out=print)


def _publish_test(args: argparse.Namespace) -> int:
    from . import publish

    return publish.run_publish_test(_config(args), args.version, dry_run=args.dry_run, out=print)


def _upload(args: argparse.Namespace) -> int:
    from . import publish

    return publish.run_upload(
        _config(args), args.version, yes=args.yes, attestations=args.attestations, out=print
    )


def _github_release(args: argparse.Namespace) -> int:
    from . import publish

    return publish.run_github_release(_config(args), args.version, out=print)


def _hotfix(args: argparse.Namespace) -> int:
    from . import rollback

    return rollback.run_hotfix(_config(args), args.version, out=print)


def _yank(args: argparse.Namespace) -> int:
    from . import rollback

    return rollback.run_yank(
        _config(args),
        args.version,
        args.reason,
        mark_only=args.mark_only,
        timeout=args.timeout,
        out=print,
    )


def _doctor(args: argparse.Namespace) -> int:
    from . import doctor

    return doctor.run_doctor(_config(args), out=print)


def _init(args: argparse.Namespace) -> int:
    from . import adopt

    root = Path(args.project) if args.project else None
    return adopt.run_init(root, ci=args.ci, yes=args.yes, out=print)


def _demo(args: argparse.Namespace) -> int:
    from . import demo

    return demo.run(keep=args.keep)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m release", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"nox-release {__version__}")
    parser.add_argument(
        "-C", "--project", metavar="DIR", help="the project to release (default: current directory)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    check = command("check", _check, "run the pre-release checklist and print one table")
    check.add_argument("--json", metavar="FILE", help="also write the table as JSON to FILE")
    check.add_argument("--strict", action="store_true", help="UNKNOWN items fail too")
    check.add_argument("--no-cache", action="store_true", help=_NO_CACHE_HELP)
    check.add_argument(
        "--version", metavar="VERSION", help="the version being released (its CHANGELOG section)"
    )
    check.add_argument(
        "--wait-ci",
        metavar="SECONDS",
        type=_seconds,
        default=0.0,
        help="wait up to SECONDS for the commit's running CI checks (then UNKNOWN)",
    )

    command("versions", _versions, "list every copy of the version; exit 1 on drift")

    bump = command("bump", _bump, "release steps 1-2: version everywhere + CHANGELOG")
    bump.add_argument("spec", metavar="VERSION|major|minor|patch|auto")
    bump.add_argument("--pre", choices=["a", "b", "rc"], help="make it a pre-release")
    bump.add_argument("--date", metavar="YYYY-MM-DD", help="release date (default: today)")
    bump.add_argument("--summary", metavar="TEXT", help="the Version Comparison table's summary")
    bump.add_argument("--allow-empty", action="store_true", help="release an empty Unreleased")
    bump.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")

    notes = command("notes", _notes, "print one version's CHANGELOG section")
    notes.add_argument("version", metavar="VERSION")

    for name, help_text in (
        ("tests", "run pytest with test-args (extra arguments go to pytest)"),
        ("coverage", "run pytest under coverage; fail under coverage-threshold"),
    ):
        sub = command(name, _tool(name), help_text)
        sub.add_argument("args", nargs=argparse.REMAINDER, help="passed to pytest")
    command("mypy", _tool("mypy"), "type-check typecheck-paths")
    command("black", _tool("black"), "black --check on format-paths")
    command("format", _checker("format-check"), "the project's formatter (format-check), checking")
    command("lint", _checker("lint"), "the project's linter (lint)")
    command("typecheck", _checker("typecheck"), "the project's type checker (typecheck)")
    command("build", _tool("build"), "clean dist/, build sdist and wheel, twine check, sanity")
    command("smoke", _tool("smoke"), "install the built wheel in a brand-new venv and smoke it")

    plan = command("plan", _plan, "show the publish steps with done/todo; changes nothing")
    plan.add_argument("version", metavar="VERSION")

    publish = command("publish", _publish, "the whole release, steps 1-10, resumable")
    publish.add_argument("version", metavar="VERSION")
    publish.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    publish.add_argument("--yes", action="store_true", help="do not ask before uploading")
    publish.add_argument("--allow-unknown", action="store_true", help="UNKNOWN checks may pass")
    publish.add_argument("--security", action="store_true", help="this is a security release")
    publish.add_argument("--no-cache", action="store_true", help=_NO_CACHE_HELP)
    publish.add_argument(
        "--disclose",
        action="store_true",
        help="a --security release whose notes name CVE ids or exploit details",
    )
    publish.add_argument("--date", metavar="YYYY-MM-DD", help="release date (default: today)")
    publish.add_argument("--allow-empty", action="store_true", help="release an empty Unreleased")

    publish_test = command("publish-test", _publish_test, "upload to the test index, verify it")
    publish_test.add_argument("version", metavar="VERSION")
    publish_test.add_argument("--dry-run", action="store_true", help="show what would happen")

    upload = command("upload", _upload, "upload dist/ to the production index and verify it")
    upload.add_argument("version", metavar="VERSION")
    upload.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    upload.add_argument(
        "--attestations", action="store_true", help="upload the PEP 740 attestations next to dist/"
    )

    github = command("github-release", _github_release, "create/update the GitHub release")
    github.add_argument("version", metavar="VERSION")

    hotfix = command("hotfix", _hotfix, "branch hotfix/X.Y.(Z+1) from the tag of X.Y.Z")
    hotfix.add_argument("version", metavar="X.Y.Z")

    yank = command("yank", _yank, "guide the web-only yank, then verify it on the index")
    yank.add_argument("version", metavar="VERSION")
    yank.add_argument("--reason", required=True, help="why it is yanked (shown to installers)")
    yank.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the index to show it"
    )
    yank.add_argument(
        "--mark-only",
        action="store_true",
        help="commit the [YANKED] mark without asking the index (for indexes that cannot "
        "report yanks, such as pypiserver)",
    )

    command("doctor", _doctor, "diagnose what would stop a release")

    init = command("init", _init, "adopt nox-release in this project: detect, show, then write")
    init.add_argument("--ci", action="store_true", help="also write the two GitHub workflows")
    init.add_argument("--yes", action="store_true", help="write without asking")

    demo = command("demo", _demo, "offline end-to-end release of the bundled sample")
    demo.add_argument("--keep", action="store_true", help="keep the demo directory")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        return handler(args)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was left; re-run to resume", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's flush quiet
        return 1


if __name__ == "__main__":
    sys.exit(main())
