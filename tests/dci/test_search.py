"""The synchronous search (`registry/sync/search`): the three query types, the records, masking,
scope, sort and pages, the access log, and every refusal in the standard's codes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from padu.core.models import AccessLog
from padu.dci.models import DciTransaction
from padu.registry.masks import mask_number
from tests.factories import KEC_A, KEL_A, FamilyFactory, PersonFactory

from .conftest import exp, expression, idtype, predicate, search_body

SYNC = "/registry/sync/search"


def results(response, index: int = 0) -> dict:
    return response.data["message"]["search_response"][index]


def records(response, index: int = 0) -> list[dict]:
    item = results(response, index)
    assert item["status"] == "succ", item
    return item["data"]["reg_records"]


def test_nik_finds_the_member_whole_for_a_role_that_sees_numbers(dci, world, psm, token):
    head = world["head_a"]
    response = dci.post(SYNC, search_body(idtype("UIN", head.nik)), token=token(psm))
    assert response.status_code == 200
    assert response.data["header"]["action"] == "on-search"
    assert response.data["header"]["status"] == "succ"
    [member] = records(response)
    assert member["@type"] == "SRMember"
    assert member["member_identifier"][0] == {
        "@type": "Identifier",
        "identifier_type": "UIN",
        "identifier_value": head.nik,
    }
    person = member["demographic_info"]
    assert person["@type"] == "SRPerson"
    assert person["name"]["full_name"] == "Siti Rahmah"
    assert person["sex"] == "female"
    assert person["birth_date"] == "1975-03-09"
    assert member["relationship_head"] == "SELF"
    assert member["marital_status"] == "W"
    assert member["poverty_score"] == 1
    assert member["group_identifier"][0]["identifier_value"] == world["fam_a"].kk_number
    assert results(response)["pagination"] == {"page_size": 100, "page_number": 1, "total_count": 1}


def test_kk_finds_the_group_with_head_size_members_place_and_poverty_score(dci, world, psm, token):
    family = world["fam_a"]
    response = dci.post(SYNC, search_body(idtype("KK", family.kk_number)), token=token(psm))
    [group] = records(response)
    assert group["@type"] == "SRGroup"
    assert group["group_identifier"][0]["identifier_value"] == family.kk_number
    assert group["group_size"] == 2
    assert group["poverty_score"] == 1
    assert group["poverty_score_type"] == "desil"
    assert group["group_head_info"]["demographic_info"]["name"]["full_name"] == "Siti Rahmah"
    assert [m["relationship_head"] for m in group["member_list"]] == ["SELF", "CHILD"]
    assert group["member_list"][1]["is_disabled"] is True
    assert group["place"]["region_code"] == KEL_A


def test_a_nik_as_group_answers_with_the_family(dci, world, psm, token):
    body = search_body(idtype("NIK", world["child_a"].nik, response_entity="Group"))
    [group] = records(dci.post(SYNC, body, token=token(psm)))
    assert group["group_identifier"][0]["identifier_value"] == world["fam_a"].kk_number


def test_outside_the_area_is_not_found(dci, world, psm, token):
    response = dci.post(SYNC, search_body(idtype("KK", world["fam_b"].kk_number)), token=token(psm))
    assert records(response) == []
    assert results(response)["pagination"]["total_count"] == 0


def test_a_malformed_number_finds_nothing(dci, world, psm, token):
    assert records(dci.post(SYNC, search_body(idtype("UIN", "TEST-001")), token=token(psm))) == []


def test_unknown_identifier_type_is_rejected_with_the_standard_code(dci, world, psm, token):
    response = dci.post(SYNC, search_body(idtype("PASSPORT", "A123")), token=token(psm))
    item = results(response)
    assert item["status"] == "rjct"
    assert item["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "NIK" in item["status_reason_message"]


def test_masked_role_gets_masked_numbers_and_age_bands(dci, world, leader, token):
    body = search_body(predicate({"seq_num": 1, "expression1": exp("region", "eq", KEL_A)}))
    found = records(dci.post(SYNC, body, token=token(leader)))
    assert len(found) == 3
    for member in found:
        nik = member["member_identifier"][0]["identifier_value"]
        assert "•" in nik and len(nik) == 16
        assert "birth_date" not in member["demographic_info"]
        band = member["demographic_info"]["additional_attributes"][0]
        assert band["name"] == "age_band"
        assert member["group_identifier"][0]["identifier_value"] == mask_number(
            world["fam_a"].kk_number
        ) or member["group_identifier"][0]["identifier_value"] == mask_number(
            world["fam_a_2"].kk_number
        )


def test_masked_role_may_not_search_by_number(dci, world, leader, token):
    response = dci.post(SYNC, search_body(idtype("NIK", world["head_a"].nik)), token=token(leader))
    item = results(response)
    assert item["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "data" not in item


@pytest.mark.parametrize(
    ("op", "value", "allowed"),
    [("lt", 25, True), ("ge", "60", True), ("le", 24, True), ("eq", 30, False), ("lt", 23, False)],
)
def test_masked_role_asks_ages_only_at_band_edges(dci, world, leader, token, op, value, allowed):
    body = search_body(predicate({"expression1": exp("age", op, value)}))
    item = results(dci.post(SYNC, body, token=token(leader)))
    assert (item["status"] == "succ") is allowed, item


def test_predicate_age_and_poverty_score(dci, world, psm, token):
    # The compliance suite's predicate: age under 25 and poverty score under 2.5.
    body = search_body(
        predicate(
            {
                "seq_num": 1,
                "expression1": exp("age", "lt", "25"),
                "condition": "and",
                "expression2": exp("poverty_score", "lt", "2.5"),
            }
        )
    )
    found = records(dci.post(SYNC, body, token=token(psm)))
    assert [m["demographic_info"]["name"]["full_name"] for m in found] == ["Muhammad Rizki"]


def test_predicate_conditions_or_and_not(dci, world, psm, token):
    either = predicate(
        {
            "expression1": exp("sex", "eq", "female"),
            "condition": "or",
            "expression2": exp("desil", "eq", 5),
        }
    )
    without = predicate(
        {
            "expression1": exp("region", "eq", KEL_A),
            "condition": "not",
            "expression2": exp("gender", "eq", "m"),
        }
    )
    response = dci.post(SYNC, search_body(either, without), token=token(psm))
    names = {m["demographic_info"]["name"]["full_name"] for m in records(response, 0)}
    assert names == {"Siti Rahmah", "Budi Santoso"}
    names = {m["demographic_info"]["name"]["full_name"] for m in records(response, 1)}
    assert names == {"Siti Rahmah"}


def test_expression_finds_groups(dci, world, leader, token):
    query = {
        "$and": [
            {"poverty_score": {"$lt": 5}},
            {"location": {"$eq": KEC_A}},
            {"group_size": {"$lt": 5}},
        ]
    }
    found = records(dci.post(SYNC, search_body(expression(query)), token=token(leader)))
    assert {g["group_identifier"][0]["identifier_value"] for g in found} == {
        mask_number(world["fam_a"].kk_number),
        mask_number(world["fam_a2"].kk_number),
    }


def test_expression_in_and_or(dci, world, leader, token):
    query = {"$or": [{"desil": {"$in": [2, 5]}}, {"poverty_score": 3}]}
    found = records(dci.post(SYNC, search_body(expression(query)), token=token(leader)))
    assert sorted(g["poverty_score"] for g in found) == [2, 3, 5]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"location": {"$eq": "central_region"}}, "Kemendagri"),
        ({"income": {"$lt": 5}}, "poverty_score"),
        ({"poverty_score": {"$regex": "1"}}, "$regex"),
        ({"poverty_score": {"$lt": "low"}}, ("%(name)s takes a number.", "poverty_score")),
        ({"$and": []}, "$and"),
    ],
)
def test_expression_the_registry_cannot_answer_is_rejected(dci, world, psm, token, query, words):
    item = results(dci.post(SYNC, search_body(expression(query)), token=token(psm)))
    assert item["status"] == "rjct"
    assert item["status_reason_code"] == "rjct.search_criteria.invalid"
    if isinstance(words, tuple):  # a whole message, in the language of the answer
        message, name = words
        words = translation.gettext(message) % {"name": name}
    assert words in item["status_reason_message"]


def test_sort_and_pages(dci, world, leader, token):
    sort = [{"attribute_name": "poverty_score", "sort_order": "desc"}]
    body = search_body(
        expression({}, sort=sort, pagination={"page_size": 2, "page_number": 2}),
    )
    item = results(dci.post(SYNC, body, token=token(leader)))
    assert [g["poverty_score"] for g in item["data"]["reg_records"]] == [2, 1]
    assert item["pagination"] == {"page_size": 2, "page_number": 2, "total_count": 4}


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"pagination": {"page_size": 0}}, "rjct.pagination.invalid"),
        ({"pagination": {"page_size": 101}}, "rjct.pagination.invalid"),
        ({"pagination": {"page_size": 10, "page_number": 0}}, "rjct.pagination.invalid"),
        ({"pagination": {"page_size": 2.5}}, "rjct.pagination.invalid"),
        ({"sort": [{"attribute_name": "UIN", "sort_order": "asc"}]}, "rjct.sort.invalid"),
        ({"reg_event_type": "NewHouseHoldMember"}, "rjct.search_criteria.invalid"),
    ],
)
def test_bad_sort_page_or_event_is_rejected(dci, world, psm, token, extra, code):
    body = search_body(predicate({"expression1": exp("age", "ge", 0)}, **extra))
    item = results(dci.post(SYNC, body, token=token(psm)))
    assert (item["status"], item["status_reason_code"]) == ("rjct", code)
    assert AccessLog.objects.count() == 0


def test_masked_role_may_not_sort_by_age(dci, world, leader, token):
    sort = [{"attribute_name": "age", "sort_order": "asc"}]
    body = search_body(predicate({"expression1": exp("age", "ge", 0)}, sort=sort))
    assert results(dci.post(SYNC, body, token=token(leader)))["status_reason_code"] == (
        "rjct.sort.invalid"
    )


def test_each_answered_search_is_access_logged(dci, world, psm, token):
    body = search_body(idtype("KK", world["fam_a"].kk_number), idtype("PASSPORT", "x"))
    dci.post(SYNC, body, token=token(psm))
    [log] = AccessLog.objects.all()
    assert log.user == psm
    assert log.purpose == "dci_search"
    assert log.object_type == "registry.family"
    assert log.rows == 1
    assert log.filters["reference_id"] == "ref-1"


def test_the_transaction_keeps_no_records(dci, world, psm, token):
    body = search_body(idtype("KK", world["fam_a"].kk_number), transaction_id="T-1")
    response = dci.post(SYNC, body, token=token(psm))
    txn = DciTransaction.objects.get()
    assert txn.correlation_id == response.data["message"]["correlation_id"]
    assert txn.request is None
    assert txn.status == "succ"
    assert txn.outcome == [
        {
            "reference_id": "ref-1",
            "timestamp": txn.outcome[0]["timestamp"],
            "status": "succ",
            "total_count": 1,
        }
    ]


def test_group_search_reads_a_fixed_number_of_queries(dci, world, leader, token):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            dci.post(SYNC, search_body(expression({})), token=key)
        return len(queries)

    key = token(leader)
    count()  # the token's first use is written down once
    before = count()
    for _i in range(5):
        PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=4))
    assert count() == before


def test_member_search_reads_a_fixed_number_of_queries(dci, world, leader, token):
    def count() -> int:
        body = search_body(predicate({"expression1": exp("age", "ge", 0)}))
        with CaptureQueriesContext(connection) as queries:
            assert records(dci.post(SYNC, body, token=key))
        return len(queries)

    key = token(leader)
    count()  # the token's first use is written down once
    before = count()
    for _i in range(5):
        PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=4))
    assert count() == before
