"""Writing small Agilent OpenLab CDS result sets (``.rslt``), for tests that need one they can reason about.

A result set is a folder of XML and zip packages (see ``parsers/agilent_openlab_rslt``); rather than keep
opaque binaries only, the test data in the repository is written by :func:`write_result_set` and
:func:`zip_result_set`, and a test checks the committed files are exactly what they write. Only the
elements the parser reads are written, in the shapes of OpenLab CDS 2.x (ACAML ``acaml21``, run record
``acmd20``). Signal files are ChemStation "179" ``.ch`` files (:mod:`tests.support.chemstation_ch`).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from tests.support.chemstation_ch import write_ch_file

ACAML_NS = "urn:schemas-agilent-com:acaml21"
ACMD_NS = "urn:schemas-agilent-com:acmd20"
_FIXED_TIME = (2024, 3, 5, 12, 0, 0)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml" /></Types>'
)


@dataclass(frozen=True)
class PeakSpec:
    rt_min: float
    area: float
    height: float
    area_percent: float
    begin_min: float
    end_min: float
    name: str | None = None
    peak_type: str = "NormalPeak"
    baseline: str = "BB"


@dataclass(frozen=True)
class SignalSpec:
    name: str
    description: str
    points: Sequence[float]
    peaks: Sequence[PeakSpec] = ()
    chromatogram: bool = True
    unit: str = "mAU"


@dataclass(frozen=True)
class InjectionSpec:
    sample_name: str
    run_time: str  # as OpenLab writes it: seven fractional digits and the PC's offset
    acquired_utc: str
    line: int
    signals: Sequence[SignalSpec]
    sample_type: str = "Sample"
    vial: str = "1"
    volume: float = 5.0
    lims_id: str = ""
    operator: str = "SYSTEM"
    replicate: int = 1


@dataclass
class _Ids:
    counter: int = 0
    issued: list[str] = field(default_factory=list)

    def next(self, kind: str) -> str:
        self.counter += 1
        return f"00000000-0000-4000-8000-{self.counter:06d}{kind[:6].encode().hex()[:6]}"


def _fixed_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def _value(tag: str, value: float, unit: str = "") -> str:
    unit_attr = f" unit={quoteattr(unit)}" if unit else ""
    return f"<{tag} val={quoteattr(repr(value))}{unit_attr} />"


def _peaks_xml(signal_id: str, peak_ids: list[str], signal: SignalSpec) -> str:
    peaks = "".join(
        f'<Peak id="{pid}">'
        + _value("RetentionTime", peak.rt_min, "min")
        + f"<Type>{peak.peak_type}</Type>"
        + _value("Area", peak.area, "mAU·s")
        + _value("AreaPercent", peak.area_percent)
        + _value("Height", peak.height, "mAU")
        + _value("BeginTime", peak.begin_min, "min")
        + _value("EndTime", peak.end_min, "min")
        + _value("WidthBase", round(peak.end_min - peak.begin_min, 6), "min")
        + f"<BaselineCode>{peak.baseline}</BaselineCode>"
        + "</Peak>"
        for pid, peak in zip(peak_ids, signal.peaks, strict=True)
    )
    return (
        f'<SignalResult id="{signal_id}-result"><Signal_ID id="{signal_id}" ver="0" />{peaks}</SignalResult>'
    )


def _result_xml(injection_id: str, signals: list[tuple[str, list[str], SignalSpec]]) -> str:
    signal_results = "".join(_peaks_xml(sid, pids, spec) for sid, pids, spec in signals)
    compounds = "".join(
        f'<InjectionCompound id="{pid}-compound"><CompoundName>{escape(peak.name)}</CompoundName>'
        f'<Identification><Qualified><Peaks><Peak_ID id="{pid}" /></Peaks></Qualified></Identification>'
        "</InjectionCompound>"
        for _, pids, spec in signals
        for pid, peak in zip(pids, spec.peaks, strict=True)
        if peak.name
    )
    return (
        f'<Result id="{injection_id}-result"><InjectionMeasData_ID id="{injection_id}" ver="0" />'
        f"{signal_results}{compounds}</Result>"
    )


def _acmd(injection: InjectionSpec, raw_name: str) -> bytes:
    info = {
        "Location": injection.vial,
        "InjectionVolume": repr(injection.volume),
        "InjectionVolumeUnits": "µL",
        "SequenceLine": str(injection.line),
        "Replicate": str(injection.replicate),
        "SampleName": injection.sample_name,
        "RunOperator": injection.operator,
        "RunDateTime": injection.run_time,
    }
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in info.items())
    return (
        f'\ufeff<?xml version="1.0" encoding="utf-8"?><ACMD xmlns="{ACMD_NS}"><InjectionInfo>{body}'
        f"<Signals /></InjectionInfo></ACMD>"
    ).encode()


def write_result_set(
    folder: Path,
    *,
    sequence: str,
    instrument: str,
    injections: Sequence[InjectionSpec],
    results_in_main_document: bool = False,
) -> Path:
    """Write the result set ``folder`` (named ``<sequence>.rslt`` by the caller) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = _Ids()
    metadata_items: list[str] = []
    samples: list[str] = []
    measurements: list[str] = []
    main_results: list[str] = []
    for number, injection in enumerate(injections, start=1):
        injection_id, setup_id = ids.next("inj"), ids.next("setup")
        stem = f"{injection.run_time[:19].replace('T', ' ').replace(':', '-')}-{number:02d}"
        raw_name, result_name = f"{stem}.dx", f"{stem}.rx"
        signal_xml: list[str] = []
        signal_results: list[tuple[str, list[str], SignalSpec]] = []
        with tempfile.TemporaryDirectory() as scratch:
            raw_members = {
                "[Content_Types].xml": _CONTENT_TYPES.encode(),
                "injection.acmd": _acmd(injection, raw_name),
            }
            for signal in injection.signals:
                signal_id, trace_id = ids.next("signal"), ids.next("trace")
                kind = "Chromatogram" if signal.chromatogram else "InstrumentCurve"
                signal_xml.append(
                    f'<Signal id="{signal_id}" ver="0"><Name>{signal.name}</Name>'
                    f"<Description>{escape(signal.description)}</Description><Type>{kind}</Type>"
                    f"<TraceID>{trace_id}</TraceID><DetectorName>{signal.name[:3]}</DetectorName></Signal>"
                )
                suffix = ".CH" if signal.chromatogram else ".IT"
                ch = write_ch_file(
                    Path(scratch) / f"{trace_id}{suffix}",
                    signal.points,
                    start_min=0.0,
                    end_min=(len(signal.points) - 1) * 0.5,
                    description=signal.description,
                    unit=signal.unit,
                    sample=injection.sample_name,
                )
                raw_members[ch.name] = ch.read_bytes()
                signal_results.append((signal_id, [ids.next("peak") for _ in signal.peaks], signal))
            (folder / raw_name).write_bytes(_fixed_zip(raw_members))
        result = _result_xml(injection_id, [s for s in signal_results if s[2].peaks])
        if results_in_main_document:
            main_results.append(result)
        else:
            document = (
                f'\ufeff<?xml version="1.0"?><ACAML xmlns="{ACAML_NS}"><Doc><Content><Injections>{result}'
                "</Injections></Content></Doc></ACAML>"
            )
            (folder / result_name).write_bytes(
                _fixed_zip(
                    {"[Content_Types].xml": _CONTENT_TYPES.encode(), "Base/InjectionACAML": document.encode()}
                )
            )
        metadata_items.append(
            "<InjectionMetaData "
            + " ".join(
                f"{k}={quoteattr(v)}"
                for k, v in {
                    "AcqMethodName": "Caffeine assay",
                    "DaMethodName": "Caffeine quant",
                    "InjectionAcqDateTime": injection.acquired_utc,
                    "InjectionId": injection_id,
                    "RawDataFileName": raw_name,
                    "SampleName": injection.sample_name,
                    "SampleType": injection.sample_type,
                    "SequenceName": sequence,
                    "VialNumber": injection.vial,
                }.items()
            )
            + " />"
        )
        lims = (
            f'<LimsID key="">{escape(injection.lims_id)}</LimsID>'
            if injection.lims_id
            else '<LimsID key="" />'
        )
        samples.append(
            f'<Setup id="{setup_id}" ver="0"><IdentParam><Name>{escape(injection.sample_name)}</Name>'
            f"</IdentParam><DAParam><Type>{injection.sample_type}</Type></DAParam></Setup>"
            f'<MeasData id="{ids.next("sample")}" ver="0"><IdentParam>'
            f"<Name>{escape(injection.sample_name)}</Name><Description />{lims}<ProjectID>QC</ProjectID>"
            f"</IdentParam><AcqParam><VialNumber>{injection.vial}</VialNumber>"
            f'<InjectionVolume val="{injection.volume!r}" unit="µL" /></AcqParam>'
            f'<SampleSetup_ID id="{setup_id}" ver="0" />'
            f'<InjectionMeasData_ID id="{injection_id}" ver="0" /></MeasData>'
        )
        measurements.append(
            f'<MeasData id="{injection_id}" ver="0"><BinaryData><DataItem><Name>{raw_name}</Name></DataItem>'
            f'</BinaryData><AcqParam><OrderNo val="1" /></AcqParam>{"".join(signal_xml)}'
            f'<InjectionVolume val="{injection.volume!r}" unit="µL" /></MeasData>'
        )
    document = (
        f'\ufeff<?xml version="1.0"?><ACAML xmlns="{ACAML_NS}" schemaversion="2.1.30.999"><Doc><DocInfo>'
        f"<Description>{escape(sequence)}</Description><CreatedByApplication><AgilentApp>"
        "<Name>OpenLab CDS</Name><Version>2.7</Version></AgilentApp></CreatedByApplication>"
        '<CustomField Name="InjectionMetaDataItems"><Xml><ArrayOfInjectionMetaData xmlns="">'
        f"{''.join(metadata_items)}</ArrayOfInjectionMetaData></Xml></CustomField></DocInfo><Content>"
        f"<Resources><Instrument><Name>{escape(instrument)}</Name></Instrument></Resources>"
        f"<Samples>{''.join(samples)}</Samples>"
        f"<Injections>{''.join(measurements)}{''.join(main_results)}</Injections></Content></Doc></ACAML>"
    )
    (folder / f"{sequence}.acaml").write_bytes(document.encode())
    return folder


def zip_result_set(folder: Path, target: Path, *, with_macos_forks: bool = True) -> Path:
    """Zip the result set ``folder`` as a copy off the data system does: the folder inside the zip, and
    (``with_macos_forks``) the ``__MACOSX`` resource forks a Mac adds."""
    members = {f"{folder.name}/{p.name}": p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    if with_macos_forks:
        members.update({f"__MACOSX/{folder.name}/._{p.name}": b"\x00\x05\x16\x07" for p in folder.iterdir()})
    target.write_bytes(_fixed_zip(members))
    return target
