"""Padu's codes in the DCI code directories: one test per directory, each holding every Padu
code to a mapping and every mapped code to the directory as the standard publishes it
(`padu/dci/data/spdci/codes/`, from spdci/schemas), and the records carrying them."""

import pytest

from padu.dci import codes
from padu.registry.codes import MaritalStatus, Relationship, Sex

from .conftest import idtype, search_body

SYNC = "/registry/sync/search"


def _records(response):
    [item] = response.data["message"]["search_response"]
    assert item["status"] == "succ", item
    return item["data"]["reg_records"]


def test_the_directories_are_read_as_published():
    assert codes.directory("SexCategoryEnum") == {"male", "female", "other", "unknown"}
    assert codes.directory("MaritalStatusEnum") == {"S", "M", "W", "A", "D", "L", "U"}
    assert codes.directory("IdentifierTypeEnum") == {"UIN", "BRN", "MRN", "DRN"}
    assert {"SELF", "SPS", "CHILD", "CHLDINLAW", "GRNDCHILD", "FAMMEMB"} <= codes.directory(
        "RelationshipTypeEnum"
    )


def test_sex_cd_com_03():
    assert set(codes.SEX) == set(Sex)
    assert {*codes.SEX.values(), codes.SEX_UNKNOWN} <= codes.directory("SexCategoryEnum")
    # What a client sends is read back to the same code.
    for padu, dci in codes.SEX.items():
        assert codes.SEX_IN[dci] == padu


def test_marital_status_cd_com_02():
    assert set(codes.MARITAL_STATUS) == set(MaritalStatus)
    assert set(codes.MARITAL_STATUS.values()) <= codes.directory("MaritalStatusEnum")
    assert len(set(codes.MARITAL_STATUS.values())) == len(codes.MARITAL_STATUS)
    assert codes.MARITAL_STATUS[MaritalStatus.SINGLE] == "S"  # belum kawin: never married


def test_relationship_cd_com_07():
    assert set(codes.RELATIONSHIP) == set(Relationship)
    mapped = {v for v in codes.RELATIONSHIP.values() if v is not None}
    assert mapped <= codes.directory("RelationshipTypeEnum")
    assert codes.RELATIONSHIP[Relationship.HEAD] == "SELF"


def test_identifier_type_cd_com_01():
    assert codes.IDENTIFIER_OUT[codes.NIK] in codes.directory("IdentifierTypeEnum")
    # The family card has no type in the directory: Padu's own name, documented on the API page.
    assert codes.IDENTIFIER_OUT[codes.KK] not in codes.directory("IdentifierTypeEnum")
    # Every type Padu sends is one it reads back as the same identifier.
    for name, sent in codes.IDENTIFIER_OUT.items():
        assert codes.IDENTIFIER_TYPES[sent] == name


@pytest.mark.parametrize(
    ("relationship", "expected"),
    [(Relationship.PARENT, "FAMMEMB"), (Relationship.HELPER, None), (Relationship.OTHER, None)],
)
def test_a_member_without_a_directory_code_goes_out_without_one(
    dci, world, psm, token, relationship, expected
):
    child = world["child_a"]
    type(child).objects.unscoped().filter(pk=child.pk).update(relationship=relationship)
    response = dci.post(SYNC, search_body(idtype("UIN", child.nik)), token=token(psm))
    [member] = _records(response)
    assert member.get("relationship_head") == expected
    assert member["member_identifier"][0]["identifier_type"] == "UIN"
    assert member["group_identifier"][0]["identifier_type"] == "KK"
