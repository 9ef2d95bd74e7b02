"""Contact keys from scans (kept by triggers), near-duplicates (MinHash) and clusters."""
from __future__ import annotations

from scanner.review.linking import (
    cluster,
    key_groups,
    near_duplicates,
    shared_keys,
    signature,
    similarity,
)
from scanner.store import Store

from .helpers import ReviewDb, result


def test_keys_follow_the_latest_scan(db: ReviewDb) -> None:
    with Store(db.path) as store:
        assert {g.value: g.adverts for g in key_groups(store, "a1")} == {"+37120000001": ["a3"]}
        store.save_scan(result("a3", "Работа в Германии, паспорт оставите у нас.", title="Работа", lang="ru",
                               contacts=[("email", "hr@x.example")], ruleset="rules-v2"))
        assert [(g.kind, g.value) for g in key_groups(store, "a3")] == [("email", "hr@x.example")]
        assert key_groups(store, "a1")[0].adverts == []


def test_messenger_names_without_handle_and_urls_are_not_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "k.db") as store:
        store.save_scan(result("k1", "x", contacts=[("telegram", ""), ("url", "https://x.example"),
                                                    ("whatsapp", "+37120000002")]))
        assert store.conn.execute("SELECT kind, value FROM link_keys").fetchall() == [("whatsapp", "+37120000002")]


def test_purged_contacts_leave_the_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "p.db") as store:
        store.save_scan(result("old", "Pārdevējs.", phrases=[], flagged=False, score=0.0,
                               contacts=[("phone", "+37120000003")]))
        store.purge(0)
        assert store.conn.execute("SELECT count(*) FROM link_keys").fetchone()[0] == 0


def test_near_duplicates_ignore_changed_numbers() -> None:
    text = ("Darbs ārzemēs noliktavā, dzīvoklis bez maksas, pasi atstāsi pie mums, ceļu apmaksājam, "
            "atstrādāsi no algas, alga 3000 eiro mēnesī, zvani 20000001")
    a, b = signature(text), signature(text.replace("3000", "3600").replace("20000001", "29999999"))
    other = signature("Pārdevējs veikalā Rīgā, pilna slodze, SIA Veikals, reģistrācijas numurs, darba līgums, "
                      "atvaļinājums un sociālās garantijas")
    assert a is not None and b is not None and other is not None
    assert similarity(a, b) == 1.0 and similarity(a, other) < 0.3
    assert signature("too short text") is None


def test_near_duplicates_and_cluster(db: ReviewDb) -> None:
    with Store(db.path) as store:
        assert [i for i, _ in near_duplicates(store, "a1")] == ["a2"]
        c = cluster(store, "a2")
        assert c.ids == ["a2", "a1", "a3"] and not c.truncated
        whys = {why.split(" ")[0] for _, _, why in c.edges}
        assert whys == {"near-duplicate", "phone"}
        assert {m["city"] for m in c.members} >= {"Rīga", "Daugavpils"}
        assert cluster(store, "a4").ids == ["a4"]
        keys = shared_keys(store)
        assert [(k["kind"], k["value"], k["adverts"]) for k in keys] == [("phone", "+37120000001", 2)]


def test_changed_text_is_re_signed(db: ReviewDb) -> None:
    with Store(db.path) as store:
        assert near_duplicates(store, "a1")
        store.save_scan(result("a2", "Pilnīgi cits teksts par pavisam citu darbu birojā ar līgumu un nodokļiem "
                               "un garantijām visiem darbiniekiem", title="Cits"))
        assert near_duplicates(store, "a1") == []
