"""The home page per role."""

from django.urls import reverse

from padu.accounts.capabilities import Role
from tests.factories import KEL_A, KEL_B, FamilyFactory, PersonFactory, make_user

HOME = reverse("core:home")


def link_urls(response) -> list[str]:
    return [link["url"] for link in response.context["links"]]


class TestHome:
    def test_anonymous_goes_to_login(self, client, db):
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next=/"

    def test_psm_sees_his_kelurahan_and_its_figures_only(self, client, db):
        mine = FamilyFactory(region_id=KEL_A, desil=2)
        PersonFactory(family=mine, disability=["fisik"])
        PersonFactory(family=mine)
        FamilyFactory(region_id=KEL_A, desil=None)
        FamilyFactory(region_id=KEL_A, desil=7)
        elsewhere = FamilyFactory(region_id=KEL_B, desil=1)
        PersonFactory(family=elsewhere, disability=["mental"])
        psm = make_user(Role.PSM, scope=KEL_A, first_name="Rina", last_name="")
        client.force_login(psm)
        response = client.get(HOME)
        assert response.status_code == 200
        assert [r.code for r in response.context["areas"]] == [KEL_A]
        assert response.context["summary"] == {
            "families": {"total": 3, "desil_1_4": 1, "no_desil": 1},
            "people": {"total": 2, "disability": 1},
        }
        assert reverse("regions:browse") in link_urls(response)
        assert reverse("accounts:user_list") not in link_urls(response)
        assert reverse("core:audit") not in link_urls(response)

    def test_admin_gets_management_links(self, client, db):
        client.force_login(make_user(Role.ADMIN))
        urls = link_urls(client.get(HOME))
        assert reverse("accounts:user_list") in urls
        assert reverse("core:audit") in urls
        assert reverse("registry:import_list") not in urls  # importing is the operators' job

    def test_mitra_gets_the_referrals_explanation_and_no_registry(self, client, db):
        client.force_login(
            make_user(Role.MITRA, organisation="Disdukcapil Kota Padang", language="en")
        )
        response = client.get(HOME)
        assert response.context["is_partner"] is True
        assert response.context["summary"] == {}
        assert response.context["links"] == []
        html = " ".join(response.content.decode().split())
        assert 'id="referrals-heading"' in html
        assert "the referral will appear on this page" in html
        assert "Disdukcapil Kota Padang" in html

    def test_user_without_region_is_told_so(self, client, db):
        client.force_login(make_user(Role.OPERATOR, scope=[], language="en"))
        response = client.get(HOME)
        assert response.context["areas"] == []
        assert "No region has been given to your account yet" in response.content.decode()

    def test_landmarks_and_skip_link(self, client, db):
        client.force_login(make_user(Role.PSM))
        html = client.get(HOME).content.decode()
        for marker in (
            'href="#main"',
            '<main id="main"',
            'role="banner"',
            'role="contentinfo"',
            "<nav",
        ):
            assert marker in html
