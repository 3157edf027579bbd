"""CSV import and export (R-32, R-2, R-12): rows, chunks, the job row and the round trip."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from integration_support import audit_rows, counting_statements, random_number
from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.errors import Forbidden
from heed.services import consent, csv_import, customer_export, customers
from heed.services.common import Principal, now

HEADER = (
    "external_id,customer_name,location_name,street,city,state,zip,"
    "mobile,phone,email,memo,sms_opted_out"
)


def _import(
    heed: Heed,
    staff: Principal,
    tmp_path: Path,
    *lines: str,
    dry_run: bool = False,
    header: str = HEADER,
) -> dict[str, Any]:
    path = tmp_path / "import.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    job = csv_import.start_import(heed.uow, staff, csv_import.StartImport(path.name, dry_run))
    return csv_import.run_import(heed.uow, staff, csv_import.RunImport(job["id"], path))


def _customer(heed: Heed, staff: Principal, text: str) -> dict[str, Any]:
    (found,) = customers.list_customers(heed.uow, staff, q=text)["items"]
    return customers.get_customer(heed.uow, staff, found["id"])


def test_the_row_is_the_unit_of_failure_a_bad_row_is_named_and_the_others_import(
    heed: Heed, staff: Principal, tmp_path: Path
) -> None:
    good, bad = random_number(), "512-12"
    report = _import(
        heed,
        staff,
        tmp_path,
        f"U-1,Good Gail,,,,,,{good},,,,",
        f"U-2,Bad Ben,,,,,,{bad},,,,",
        "U-3,,,,,,,,,,,",
        "U-4,Long Lou,,,,,,,,not-an-email,,",
    )
    assert report["status"] == "done"
    assert (report["rows"], report["created"]) == (4, 1)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "mobile"),
        (4, "customer_name"),
        (5, "email"),
    ]
    assert _customer(heed, staff, good)["name"] == "Good Gail"
    assert customers.list_customers(heed.uow, staff, q="Bad Ben")["items"] == []


def test_placeholders_are_kept_and_flagged_and_international_numbers_reported(
    heed: Heed, staff: Principal, tmp_path: Path
) -> None:
    report = _import(
        heed,
        staff,
        tmp_path,
        "P-1,Pat Placeholder,,,,,,(123) 456-7890,,noemail@example.com,,",
        "P-2,Ivy Abroad,,,,,,+44 20 7946 0958,,ivy@acme-mail.com,,",
    )
    assert [(f["row"], f["field"], f["reason"]) for f in report["flagged"]] == [
        (2, "mobile", "placeholder"),
        (2, "email", "placeholder"),
        (3, "mobile", "international_number"),
    ]
    pat = _customer(heed, staff, "Pat Placeholder")
    assert all(c["placeholder"] for c in pat["contacts"])
    ivy = _customer(heed, staff, "Ivy Abroad")
    assert [c["kind"] for c in ivy["contacts"]] == ["email"]


def test_a_known_external_id_updates_that_customer_with_an_audit_row(
    heed: Heed, staff: Principal, tmp_path: Path
) -> None:
    first, second = random_number(), random_number()
    _import(heed, staff, tmp_path, f"E-{first},Eve Early,,,,,,{first},,,,")
    report = _import(
        heed,
        staff,
        tmp_path,
        f"E-{first},Eve Later,Shop,9 Oak St,Austin,TX,78701,{second},,,back door,",
    )
    assert (report["created"], report["updated"]) == (0, 1)
    eve = _customer(heed, staff, first)
    assert eve["name"] == "Eve Later"
    (shop,) = eve["locations"]
    assert shop["address"] == "9 Oak St\nAustin, TX 78701"
    assert [c["value"] for c in shop["contacts"]] == [second]
    assert shop["contacts"][0]["memo"] == "back door"
    changes = [(r.field, r.old, r.new) for r in audit_rows(heed, staff.account_id, eve["id"])]
    assert ("name", "Eve Early", "Eve Later") in changes


def test_opt_outs_go_to_the_ledger_and_an_import_never_opts_in_or_gives_marketing(
    heed: Heed, staff: Principal, tmp_path: Path
) -> None:
    number = random_number()
    _import(heed, staff, tmp_path, f"O-{number},Olive Out,,,,,,{number},,,,yes")
    sms = consent.address_consent(heed.uow, staff, number)
    assert sms["opted_out"]
    assert (sms["events"][0]["source"], sms["events"][0]["via"]) == ("import", "import")

    header = HEADER + ",marketing"
    report = _import(
        heed, staff, tmp_path, f"O-{number},Olive Out,,,,,,{number},,,,no,yes", header=header
    )
    assert consent.address_consent(heed.uow, staff, number)["opted_out"]
    assert report["flagged"][0]["reason"] == "marketing_consent_without_evidence"
    olive = _customer(heed, staff, "Olive Out")
    assert not any(c["notifications"]["marketing"] for c in olive["contacts"])

    with_evidence = _import(
        heed,
        staff,
        tmp_path,
        "O-2,Mo Market,,,,,,,,,,,yes,web form",
        header=header + ",consent_source",
    )
    assert with_evidence["flagged"][0]["reason"] == "marketing_consent_not_imported"


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(
    heed: Heed, staff: Principal, tmp_path: Path
) -> None:
    number = random_number()
    report = _import(
        heed,
        staff,
        tmp_path,
        f"D-1,Dry Dora,,,,,,{number},,,,yes",
        "D-2,,,,,,,,,,,",
        dry_run=True,
    )
    assert (report["status"], report["dry_run"], report["created"]) == ("done", True, 1)
    assert len(report["errors"]) == 1
    assert customers.list_customers(heed.uow, staff, q=number)["items"] == []
    assert not consent.address_consent(heed.uow, staff, number)["opted_out"]


def test_a_dry_run_counts_a_customer_named_again_in_a_later_chunk_as_the_import_would(
    heed: Heed, staff: Principal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "CHUNK", 2)
    lines = (
        f"R-1,Repeat Rita,,,,,,{random_number()},,,,",
        f"R-2,Once Olga,,,,,,{random_number()},,,,",
        f"R-1,,,,,,,{random_number()},,,,",  # the next chunk: Rita's second number
    )
    dry = _import(heed, staff, tmp_path, *lines, dry_run=True)
    real = _import(heed, staff, tmp_path, *lines)
    assert (real["created"], real["updated"]) == (2, 1)
    assert (dry["created"], dry["updated"]) == (2, 1)
    assert (dry["status"], real["status"]) == ("done", "done")


def test_rows_are_read_and_committed_a_chunk_at_a_time(
    heed: Heed, staff: Principal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "CHUNK", 3)
    seen: list[tuple[int, int | None]] = []
    lines = [f"C-{i},Chunk {i},,,,,,{random_number()},,,," for i in range(7)]
    path = tmp_path / "chunks.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    job = csv_import.start_import(heed.uow, staff, csv_import.StartImport())
    with counting_statements(heed) as statements:
        report = csv_import.run_import(
            heed.uow, staff, csv_import.RunImport(job["id"], path, lambda d, n: seen.append((d, n)))
        )
    assert report["created"] == 7
    assert seen == [(0, 7), (3, 7), (6, 7), (7, 7)]
    inserts = [s for s in statements if s.startswith("INSERT INTO customers")]
    assert len(inserts) == 3


def test_a_large_import_refreshes_postgresql_statistics(
    heed: Heed,
    staff: Principal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    is_postgres: bool,
) -> None:
    monkeypatch.setattr(csv_import, "ANALYZE_AFTER", 2)
    with counting_statements(heed) as statements:
        _import(heed, staff, tmp_path, "A-1,Ana,,,,,,,,,,", "A-2,Abe,,,,,,,,,,")
    analyzed = [s for s in statements if s.startswith("ANALYZE")]
    assert len(analyzed) == (1 if is_postgres else 0)


def test_a_job_left_running_by_a_dead_process_is_marked_failed_once(
    heed: Heed, staff: Principal
) -> None:
    job = csv_import.start_import(heed.uow, staff, csv_import.StartImport())
    fresh = csv_import.start_import(heed.uow, staff, csv_import.StartImport())
    with heed.uow.write() as tx:
        row = tx.session.get(t.ImportJob, (staff.account_id, job["id"]))
        assert row is not None
        row.heartbeat_at = now() - csv_import.STALE - timedelta(seconds=1)
        tx.commit()
    assert csv_import.recover_abandoned(heed.uow) >= 1
    assert csv_import.recover_abandoned(heed.uow) == 0
    failed = csv_import.get_import(heed.uow, staff, job["id"])
    assert (failed["status"], failed["message"]) == ("failed", csv_import.ABANDONED)
    assert csv_import.get_import(heed.uow, staff, fresh["id"])["status"] == "running"


def test_an_unreadable_file_fails_its_job_with_the_reason(
    heed: Heed, staff: Principal, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("customer_name\nJos\xe9\n".encode("latin-1"))
    job = csv_import.start_import(heed.uow, staff, csv_import.StartImport())
    report = csv_import.run_import(heed.uow, staff, csv_import.RunImport(job["id"], path))
    assert report["status"] == "failed"
    assert "UTF-8" in report["message"]


def test_importing_needs_customer_and_location_edit(heed: Heed, staff: Principal) -> None:
    viewer = Principal(staff.account_id, "user:v", frozenset({"customer:view"}))
    with pytest.raises(Forbidden):
        csv_import.start_import(heed.uow, viewer, csv_import.StartImport())


def test_export_then_import_changes_nothing(heed: Heed, staff: Principal, tmp_path: Path) -> None:
    a, b, c = random_number(), random_number(), random_number()
    _import(
        heed,
        staff,
        tmp_path,
        f"R-1,Rita Round,,,,,,{a},{b},rita@acme-mail.com,cell,",
        f"R-1,Rita Round,Cabin,1 Lake Rd,Austin,TX,78701,{c},,,,yes",
        "R-2,@Sum(1),,,,,,,,,,",
    )
    exported = "".join(customer_export.export_customers(heed.uow, staff))
    assert "'@Sum(1)" in exported
    path = tmp_path / "export.csv"
    path.write_text(exported, newline="")
    with heed.uow.read() as tx:
        before = tx.session.scalar(
            select(t.ConsentEvent.seq)
            .where(t.ConsentEvent.account_id == staff.account_id)
            .order_by(t.ConsentEvent.seq.desc())
            .limit(1)
        )
    job = csv_import.start_import(heed.uow, staff, csv_import.StartImport())
    report = csv_import.run_import(heed.uow, staff, csv_import.RunImport(job["id"], path))
    assert (report["created"], report["updated"], report["errors"]) == (0, 0, [])
    assert "".join(customer_export.export_customers(heed.uow, staff)) == exported
    with heed.uow.read() as tx:
        after = tx.session.scalar(
            select(t.ConsentEvent.seq)
            .where(t.ConsentEvent.account_id == staff.account_id)
            .order_by(t.ConsentEvent.seq.desc())
            .limit(1)
        )
    assert after == before


def test_the_sample_in_the_docs_imports_as_the_docs_say(heed: Heed, staff: Principal) -> None:
    sample = Path(__file__).resolve().parents[2] / "docs" / "import-sample.csv"
    job = csv_import.start_import(heed.uow, staff, csv_import.StartImport(sample.name))
    report = csv_import.run_import(heed.uow, staff, csv_import.RunImport(job["id"], sample))
    assert (report["status"], report["created"], report["errors"]) == ("done", 3, [])
    assert [f["reason"] for f in report["flagged"]] == ["placeholder", "placeholder"]
