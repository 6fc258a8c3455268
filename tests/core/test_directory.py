"""The volunteers directory: CSV import with per-line errors, entries, and nothing of it sent."""

from __future__ import annotations

import json
from contextlib import closing

import main
from core import directory as d
from core.config import DB_NAME
from core.directory import Problem, RowError, Volunteer
from core.queries import Queries
from core.storage import SCHEMA_VERSION, Store
from tests.helpers.factories import a_form, detail_of, response

GOOD = "id;name;phone;notes\n789;Анна Петрова;+7 900 123-45-67;has a car\n42;Boris;;\n"


def test_a_semicolon_csv_from_russian_excel_is_read_with_its_cyrillic():
    for data in (GOOD.encode("utf-8-sig"), GOOD.encode("cp1251"), GOOD.encode("utf-8")):
        preview = d.parse_csv(data)
        assert preview.errors == ()
        assert preview.rows == (
            (2, Volunteer("789", "Анна Петрова", "+7 900 123-45-67", "has a car")),
            (3, Volunteer("42", "Boris")),
        )


def test_russian_column_titles_in_any_order_and_blank_lines_are_understood():
    text = "Телефон,ФИО,Заметки,ID\n\n8 (912) 000-11-22,Вера,,v-7\n,,,\n,Гоша,,v-8\n"
    preview = d.parse_csv(text.encode())
    assert preview.errors == ()
    assert preview.volunteers == [
        Volunteer("v-7", "Вера", "8 (912) 000-11-22"),
        Volunteer("v-8", "Гоша"),
    ]
    assert [line for line, _v in preview.rows] == [3, 5]


def test_every_bad_line_is_reported_with_its_number_and_the_good_ones_kept():
    text = (
        "id,name,phone\n"
        "1,Anna,+7 900 000 00 00\n"
        ",Nobody,\n"  # line 3: no id
        "2,,12345\n"  # line 4: no name
        "3,Carl,call me\n"  # line 5: letters in the phone
        "4,Dana,123\n"  # line 6: too few digits
        "1,Anna again,\n"  # line 7: the id of line 2
        f"{'x' * 65},Long,\n"  # line 8: longer than the contract's ids
        "5,Eve,\n"
    )
    preview = d.parse_csv(text.encode())
    assert [v.volunteer_id for v in preview.volunteers] == ["1", "5"]
    assert preview.errors == (
        RowError(3, Problem("volunteer_id", "required")),
        RowError(4, Problem("name", "required")),
        RowError(5, Problem("phone", "phone_chars")),
        RowError(6, Problem("phone", "phone_digits", "3")),
        RowError(7, Problem("volunteer_id", "duplicate", "2")),
        RowError(8, Problem("volunteer_id", "too_long", "64")),
    )
    assert preview.refused_lines == 6
    assert preview.errors[4].problem.english() == "the same id is on line 2"


def test_a_file_without_the_id_and_name_columns_or_empty_is_refused_whole():
    no_columns = d.parse_csv(b"volunteer,telephone\nAnna,12345\n")
    assert no_columns.rows == ()
    (e,) = no_columns.errors
    assert (e.line, e.problem.code) == (1, "columns")
    assert "'volunteer', 'telephone'" in e.problem.english()
    assert d.parse_csv(b"  \n").errors == (RowError(1, Problem("", "empty")),)


def test_saving_adds_then_updates_in_one_transaction_and_a_bad_entry_writes_nothing(store):
    assert d.save_many(store, [Volunteer("1", "Anna"), Volunteer("2", "Boris")]) == (2, 0)
    assert d.save_many(store, [Volunteer("2", "Boris B.", "12345"), Volunteer("3", "Vera")]) == (
        1,
        1,
    )
    assert d.read_all(store.conn) == [
        Volunteer("1", "Anna"),
        Volunteer("2", "Boris B.", "12345"),
        Volunteer("3", "Vera"),
    ]
    try:
        d.save_many(store, [Volunteer("4", "Gosha"), Volunteer("5", " ")])
    except ValueError as exc:
        assert "name: required" in str(exc)
    else:
        raise AssertionError("a nameless entry was saved")
    assert [v.volunteer_id for v in d.read_all(store.conn)] == ["1", "2", "3"]
    assert d.delete(store, "2") is True
    assert d.delete(store, "2") is False
    assert set(d.read_many(store.conn, ["1", "2", "3", "9"])) == {"1", "3"}


def test_reading_many_ids_goes_past_sqlites_parameter_limit(store):
    d.save_many(store, [Volunteer(str(i), f"V{i}") for i in range(1200)])
    assert len(d.read_many(store.conn, [str(i) for i in range(0, 1300)])) == 1200


def test_names_and_phones_never_leave_the_console(engine, clock):
    people = [
        Volunteer("Анна", "Анна Петрова", "+7 900 111-22-33", "has a car"),
        Volunteer("42", "Boris Secret-Surname", "+44 20 7946 0000"),
        Volunteer("77", "Вера Тайнова", "8 912 000 11 22"),
    ]
    d.save_many(engine.store, people)
    app_id = engine.create_application(a_form(clock, spots=1))
    engine.handle([response("123", app_id, v) for v in ("Анна", "42", "77")])
    clock.advance(60)
    engine.handle([response("123", app_id, "Анна", "declined")])  # an offer round opens
    engine.remove_volunteer(app_id, "77")
    engine.cancel(app_id)
    detail = detail_of(engine.store, app_id)
    assert [(w.volunteer_id, w.name) for w in detail.waitlist] == [("42", "Boris Secret-Surname")]
    bodies = [r[0] for r in engine.store.conn.execute("SELECT body FROM outbox")]
    assert len(bodies) >= 6
    for body in bodies:
        for v in people:
            for secret in filter(None, (v.name, v.phone, v.notes, "Petrova", "Тайнова", "Secret")):
                assert secret not in body and json.dumps(secret)[1:-1] not in body


def test_the_detail_carries_directory_names(engine, clock):
    d.save_many(engine.store, [Volunteer("1", "Anna"), Volunteer("3", "Carl")])
    app_id = engine.create_application(a_form(clock, spots=1))
    engine.handle([response("123", app_id, v) for v in ("1", "2", "3")])
    clock.advance(60)
    engine.handle([response("123", app_id, "1", "declined")])
    with closing(Queries(engine.store)) as queries:
        detail = queries.detail(app_id)
        assert queries.volunteers(["3", "nobody"]) == {"3": Volunteer("3", "Carl")}
    assert detail is not None and detail.round is not None
    assert [(w.volunteer_id, w.name) for w in detail.waitlist] == [("2", ""), ("3", "Carl")]
    assert {(o.volunteer_id, o.name) for o in detail.round.offers} == {("2", ""), ("3", "Carl")}
    engine.handle([response("123", app_id, "3")])  # Carl claims the spot
    roster = detail_of(engine.store, app_id).roster
    assert [(r.volunteer_id, r.name) for r in roster] == [("3", "Carl")]


def test_the_migration_adds_the_directory_to_an_existing_database(tmp_path):
    old = Store(tmp_path / DB_NAME, upto_version=11)
    old.close()
    store = Store(tmp_path / DB_NAME)
    try:
        assert store.schema_version() == SCHEMA_VERSION  # v12 added it; later ones keep it
        d.save_many(store, [Volunteer("1", "Anna")])
        assert d.read_all(store.conn) == [Volunteer("1", "Anna")]
    finally:
        store.close()


def test_cli_import_lists_the_bad_lines_imports_the_rest_and_list_shows_them(tmp_path, capsys):
    csv_file = tmp_path / "v.csv"
    csv_file.write_text("id;name;phone\n789;Anna;+7 900 123-45-67\n790;;\n791;Boris;\n")
    (tmp_path / "data").mkdir()
    data = ["--data-dir", str(tmp_path / "data")]
    assert main.main(["volunteers", "list", *data]) == 0
    assert "no volunteers" in capsys.readouterr().out
    assert not (tmp_path / "data" / DB_NAME).exists(), "looking creates no database"

    assert main.main(["volunteers", "import", str(csv_file), "--dry-run", *data]) == 1
    out = capsys.readouterr()
    assert "would import 2; 1 line(s) refused" in out.out
    assert f"{csv_file}:3: name: required" in out.err
    assert not (tmp_path / "data" / DB_NAME).exists()

    assert main.main(["volunteers", "import", str(csv_file), *data]) == 1
    assert "imported 2 new, 0 updated; 1 line(s) refused" in capsys.readouterr().out
    assert main.main(["volunteers", "list", "--json", *data]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"volunteer_id": "789", "name": "Anna", "phone": "+7 900 123-45-67", "notes": ""},
        {"volunteer_id": "791", "name": "Boris", "phone": "", "notes": ""},
    ]
    assert main.main(["volunteers", "list", *data]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "NAME", "PHONE", "NOTES"]
    assert table[1].startswith("789") and "Anna" in table[1]
    assert main.main(["volunteers", "import", str(tmp_path / "missing.csv"), *data]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_directory_is_not_replicated_to_the_funds_other_consoles(store):
    from core.replication.changes import replicated_tables

    tables = replicated_tables(store.conn)
    assert "application" in tables and "volunteer" not in tables
