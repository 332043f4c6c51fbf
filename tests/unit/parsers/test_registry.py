"""Parser discovery and choice: built-ins, entry points, drop-in files, protocol checks, safe parsing.

How entry points are found in package metadata is tested in ``test_entry_points.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ingest.errors import ConfigError, NoParserError, ParseError
from parsers import discover_parsers
from parsers.lc_results_csv.parser import LcResultsCsvParser
from tests.support.distributions import write_distribution

REPO = Path(__file__).resolve().parents[3]
LC = "lc_results_csv"
PLATE_SAMPLE = REPO / "tests" / "plugin_package" / "samples" / "plate_001.csv"
LC_HEADER = "Sample ID,RT (min),Area\n"

PLUGIN_TEMPLATE = """
from __future__ import annotations
from pathlib import Path
from typing import ClassVar
from ingest.models import ParsedFile, Provenance
from parsers import results_frame

class {cls}:
    name: ClassVar[str] = {name!r}
    version: ClassVar[str] = "1.0"
    extensions: ClassVar[tuple[str, ...]] = {extensions!r}
    unit_suffixes: ClassVar[tuple[str, ...]] = {unit_suffixes!r}

    def sniff(self, head: bytes, path: Path) -> bool:
        {sniff}

    def parse(self, path: Path) -> ParsedFile:
        {parse}
"""
GOOD_PARSE = (
    'return ParsedFile(metadata={"instrument": "x"}, results=results_frame([{"sample_id": "SMP-001"}]), '
    "provenance=Provenance(self.name, self.version, path))"
)


def write_plugin(
    folder: Path,
    file_name: str,
    *,
    cls: str = "DropInParser",
    name: str = "dropin_txt",
    extensions: tuple[str, ...] = (".txt",),
    unit_suffixes: tuple[str, ...] = (),
    sniff: str = 'return head.startswith(b"DROPIN")',
    parse: str = GOOD_PARSE,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    source = PLUGIN_TEMPLATE.format(
        cls=cls, name=name, extensions=extensions, unit_suffixes=unit_suffixes, sniff=sniff, parse=parse
    )
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def lc_only(parsers_dir: Path | None = None):  # type: ignore[no-untyped-def]
    return discover_parsers(parsers_dir, only=(LC,))


def test_importing_parsers_loads_no_plugin() -> None:
    code = (
        "import sys, parsers, parsers._plugin.registry; "
        "print(any(m.startswith('parsers.lc_results_csv') or m == 'example_lab_parser' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


def test_builtin_is_registered_with_builtin_origin() -> None:
    entry = lc_only().get("lc_results_csv")
    assert entry.origin == "builtin"
    assert entry.version == LcResultsCsvParser.version
    assert entry.extensions == (".csv",)


def test_entry_point_package_is_discovered_and_used_by_parse() -> None:
    registry = discover_parsers(only=(LC, "example_plate_csv"))
    entry = registry.get("example_plate_csv")
    assert entry.origin == "entry point example-lab-parser 0.1.0"
    parsed = registry.parse(PLATE_SAMPLE)
    assert parsed.provenance.parser == "example_plate_csv"
    assert parsed.results["sample_id"].tolist() == ["SMP-001", "SMP-002", "SMP-003"]
    assert parsed.results["absorbance"].tolist() == [0.123, 0.456, 1.05]
    assert parsed.metadata["plate"] == "PLT-0001"


def test_full_discovery_loads_every_builtin() -> None:
    """Fails while a planned built-in module is missing: discovery must load them all."""
    registry = discover_parsers()
    assert "lc_results_csv" in registry.names
    assert all(e.origin == "builtin" for e in registry if e.parser_class.__module__.startswith("parsers."))


def own_package(tmp_path: Path, **entry_points: str):  # type: ignore[no-untyped-def]
    """A benchling-ingest whose metadata registers ``entry_points`` (and nothing else is installed)."""
    dist = write_distribution(tmp_path / "site", "benchling-ingest", "9.9", entry_points)
    return lambda: [dist]


def test_builtin_that_fails_to_import_is_a_config_error_naming_it(tmp_path: Path) -> None:
    distributions = own_package(
        tmp_path,
        lc_results_csv=f"parsers.{LC}.parser:LcResultsCsvParser",
        broken="parsers.no_such.parser:Missing",
    )
    with pytest.raises(
        ConfigError, match=r"'broken = parsers\.no_such\.parser:Missing' \(builtin\) could not be loaded"
    ):
        discover_parsers(distributions=distributions)


def test_builtin_with_missing_class_is_a_config_error(tmp_path: Path) -> None:
    distributions = own_package(tmp_path, lc_results_csv="parsers.lc_results_csv.parser:NoSuchParser")
    with pytest.raises(ConfigError, match=r"has no attribute 'NoSuchParser'"):
        discover_parsers(distributions=distributions)


def test_entry_point_naming_a_module_instead_of_a_class_is_a_config_error(tmp_path: Path) -> None:
    distributions = own_package(tmp_path, lc_results_csv="parsers.lc_results_csv.parser")
    with pytest.raises(
        ConfigError, match=r"does not follow the parser protocol: it is a module, not a class"
    ):
        discover_parsers(distributions=distributions)


def test_dropin_file_is_loaded_with_file_origin(tmp_path: Path) -> None:
    plugin = write_plugin(tmp_path / "plugins", "my_parser.py")
    entry = lc_only(plugin.parent).get("dropin_txt")
    assert entry.origin == f"file {plugin}"
    assert entry.parser_class.__module__.startswith("_benchling_ingest_dropin_my_parser_")


def test_dropin_files_with_same_name_in_two_folders_do_not_clash(tmp_path: Path) -> None:
    first = write_plugin(tmp_path / "a", "plugin.py", name="first_txt")
    second = write_plugin(tmp_path / "b", "plugin.py", name="second_txt", extensions=(".dat",))
    one = lc_only(first.parent).get("first_txt").parser_class
    two = lc_only(second.parent).get("second_txt").parser_class
    assert one.__module__ != two.__module__
    assert one.name == "first_txt" and two.name == "second_txt"


def test_dropin_file_may_define_several_parsers(tmp_path: Path) -> None:
    path = write_plugin(tmp_path, "two.py", cls="FirstParser", name="first_txt")
    second = write_plugin(
        tmp_path / "tmp", "x.py", cls="SecondParser", name="second_txt", extensions=(".dat",)
    )
    tail = second.read_text().replace("from __future__ import annotations", "")
    path.write_text(path.read_text() + tail, encoding="utf-8")
    second.unlink()
    second.parent.rmdir()
    registry = lc_only(tmp_path)
    assert {"first_txt", "second_txt"} <= set(registry.names)


def test_underscore_files_in_dropin_folder_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "_shared.py").write_text("raise RuntimeError('must not be imported')\n", encoding="utf-8")
    write_plugin(tmp_path, "ok.py")
    assert "dropin_txt" in lc_only(tmp_path).names


def test_dropin_file_without_parser_class_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"empty.py' defines no parser class"):
        lc_only(tmp_path)


def test_dropin_file_that_fails_to_import_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.py' failed to import: ModuleNotFoundError"):
        lc_only(tmp_path)


def test_missing_dropin_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist or is not a folder"):
        lc_only(tmp_path / "nope")


def test_protocol_violations_are_listed(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "class BadParser:\n    name = 'BadName'\n    version = ''\n    extensions = ('CSV',)\n"
        "    def sniff(self, head, path): return False\n    def parse(self, path): return None\n"
        "PARSERS = [BadParser]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        lc_only(tmp_path)
    message = str(info.value)
    assert "'BadParser'" in message and f"file {tmp_path / 'bad.py'}" in message
    assert "'name' is 'BadName'" in message
    assert "'version' is ''" in message
    assert "'extensions' has ['CSV']" in message


def test_duplicate_name_names_both_origins(tmp_path: Path) -> None:
    plugin = write_plugin(tmp_path, "clash.py", name="lc_results_csv", extensions=(".csv",))
    with pytest.raises(ConfigError) as info:
        lc_only(tmp_path)
    assert "Two parsers are named 'lc_results_csv'" in str(info.value)
    assert "builtin" in str(info.value) and f"file {plugin}" in str(info.value)


def test_choose_matches_extension_case_insensitively(tmp_path: Path) -> None:
    export = tmp_path / "RUN42.CSV"
    export.write_text(LC_HEADER + "SMP-001,1.5,10\n", encoding="utf-8")
    assert isinstance(lc_only().choose(export), LcResultsCsvParser)


def test_choose_unknown_extension_lists_known_extensions(tmp_path: Path) -> None:
    export = tmp_path / "run42.xyz"
    export.write_text("whatever", encoding="utf-8")
    with pytest.raises(
        NoParserError, match=r"no parser handles its extension. Expected one of the extensions"
    ):
        lc_only().choose(export)


def test_choose_when_every_candidate_declines_lists_why(tmp_path: Path) -> None:
    export = tmp_path / "run42.csv"
    export.write_text("Time,Signal\n0.1,2\n", encoding="utf-8")
    with pytest.raises(NoParserError) as info:
        lc_only().choose(export)
    assert info.value.candidates == ["lc_results_csv"]
    assert str(info.value) == (
        f"No parser reads '{export}': Its content is not the format of any parser for its extension "
        "(lc_results_csv)."
    )


def test_a_refusal_names_the_closest_format_and_what_the_file_lacks(tmp_path: Path) -> None:
    export = tmp_path / "run42.csv"
    export.write_text("Sample ID,RT (min),Height\nSMP-001,1.2,3\n", encoding="utf-8")
    with pytest.raises(NoParserError) as info:
        discover_parsers().choose(export)
    assert str(info.value).startswith(
        f"No parser reads '{export}': it looks like an LC results CSV (lc_results_csv) but its header row "
        "has no 'Area' column (found ['Sample ID', 'RT (min)', 'Height'])."
    )


@pytest.mark.parametrize(
    ("content", "words"), [(b"", "empty (an empty file, 0 bytes)"), (b"\r\n \n", "only blank")]
)
def test_an_empty_file_is_named_as_such(tmp_path: Path, content: bytes, words: str) -> None:
    export = tmp_path / "run42.csv"
    export.write_bytes(content)
    with pytest.raises(NoParserError, match=re.escape(words)):
        discover_parsers().choose(export)


def test_choose_with_two_claimants_is_an_error_naming_both(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "plugins", "greedy.py", name="greedy_csv", extensions=(".csv",), sniff="return True"
    )
    export = tmp_path / "run42.csv"
    export.write_text(LC_HEADER + "SMP-001,1.5,10\n", encoding="utf-8")
    with pytest.raises(NoParserError, match=r"Several parsers claim") as info:
        lc_only(tmp_path / "plugins").choose(export)
    assert sorted(info.value.candidates) == ["greedy_csv", "lc_results_csv"]


def test_a_sniff_that_raises_counts_as_no_and_is_reported(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "plugins",
        "raiser.py",
        name="raiser_csv",
        extensions=(".csv",),
        sniff="raise KeyError('x')",
    )
    export = tmp_path / "run42.csv"
    export.write_text(LC_HEADER + "SMP-001,1.5,10\n", encoding="utf-8")
    registry = lc_only(tmp_path / "plugins")
    assert isinstance(registry.choose(export), LcResultsCsvParser)
    other = tmp_path / "other.csv"
    other.write_text("nothing,here\n", encoding="utf-8")
    with pytest.raises(NoParserError, match=r"raiser_csv .* sniff raised KeyError"):
        registry.choose(other)


def test_sniff_sees_the_first_64_kib(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "plugins",
        "size.py",
        name="size_txt",
        sniff='return len(head) == 65536 and head.startswith(b"DROPIN")',
    )
    export = tmp_path / "big.txt"
    export.write_bytes(b"DROPIN" + b"x" * 200_000)
    assert type(lc_only(tmp_path / "plugins").choose(export)).__name__ == "DropInParser"


def test_folder_unit_is_chosen_with_empty_head_and_listed_in_unit_suffixes(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "plugins",
        "folder.py",
        name="folder_unit",
        extensions=(".d",),
        unit_suffixes=(".d",),
        sniff='return head == b"" and (path / "REPORT.TXT").is_file()',
    )
    unit = tmp_path / "Sample01.D"
    unit.mkdir()
    (unit / "REPORT.TXT").write_text("x", encoding="utf-8")
    registry = lc_only(tmp_path / "plugins")
    assert registry.unit_suffixes == frozenset({".d"})
    assert registry.choose(unit).name == "folder_unit"


def test_parse_wraps_a_plugin_bug_in_a_parse_error(tmp_path: Path) -> None:
    write_plugin(tmp_path / "plugins", "buggy.py", name="buggy_txt", parse="return {}['missing']")
    export = tmp_path / "run.txt"
    export.write_text("DROPIN data", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        lc_only(tmp_path / "plugins").parse(export)
    assert "Parser 'buggy_txt' 1.0" in str(info.value)
    assert f"failed on '{export}' with KeyError" in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)


def test_parse_rejects_output_that_breaks_the_contract(tmp_path: Path) -> None:
    bad = (
        "import pandas as pd\n        return ParsedFile(metadata={}, results=pd.DataFrame({'x': [1]}), "
        "provenance=Provenance(self.name, self.version, path))"
    )
    write_plugin(tmp_path / "plugins", "shape.py", name="shape_txt", parse=bad)
    export = tmp_path / "run.txt"
    export.write_text("DROPIN data", encoding="utf-8")
    with pytest.raises(ParseError, match=r"Expected the normalized columns first"):
        lc_only(tmp_path / "plugins").parse(export)


def test_parse_rejects_a_non_parsed_file_return(tmp_path: Path) -> None:
    write_plugin(tmp_path / "plugins", "none.py", name="none_txt", parse="return None")
    export = tmp_path / "run.txt"
    export.write_text("DROPIN data", encoding="utf-8")
    with pytest.raises(ParseError, match=r"returned NoneType .* Expected a ParsedFile"):
        lc_only(tmp_path / "plugins").parse(export)


def test_parse_by_name_skips_choice(tmp_path: Path) -> None:
    write_plugin(tmp_path / "plugins", "named.py", name="named_txt", sniff="return False")
    export = tmp_path / "run.txt"
    export.write_text("anything", encoding="utf-8")
    registry = lc_only(tmp_path / "plugins")
    assert registry.parse(export, parser_name="named_txt").results["sample_id"].tolist() == ["SMP-001"]
    with pytest.raises(ConfigError, match=r"No parser is named 'nope'"):
        registry.parse(export, parser_name="nope")
