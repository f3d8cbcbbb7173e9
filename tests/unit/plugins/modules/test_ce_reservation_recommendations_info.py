"""ce_reservation_recommendations_info with stubbed responses (moto has no GetReservationPurchaseRecommendation)."""

from ansible_collections.mithran.platform.plugins.modules import ce_reservation_recommendations_info

from .dms_fixtures import stub_client


def test_ri_recommendations(run_module, aws, monkeypatch):
    detail = {"InstanceDetails": {"RDSInstanceDetails": {"InstanceType": "db.t3.large", "Region": "US West (Oregon)",
                                                          "DatabaseEngine": "PostgreSQL"}},
              "RecommendedNumberOfInstancesToPurchase": "1", "EstimatedMonthlySavingsAmount": "41.20",
              "EstimatedMonthlyOnDemandCost": "131.40", "UpfrontCost": "0"}

    def setup(s):
        s.add_response("get_reservation_purchase_recommendation",
                       {"Recommendations": [{"RecommendationDetails": [detail]}], "NextPageToken": "p2"},
                       {"Service": "Amazon Relational Database Service", "LookbackPeriodInDays": "SEVEN_DAYS",
                        "TermInYears": "ONE_YEAR", "PaymentOption": "NO_UPFRONT"})
        s.add_response("get_reservation_purchase_recommendation",
                       {"Recommendations": [{"RecommendationDetails": [dict(detail, EstimatedMonthlySavingsAmount="10")]}]},
                       {"Service": "Amazon Relational Database Service", "LookbackPeriodInDays": "SEVEN_DAYS",
                        "TermInYears": "ONE_YEAR", "PaymentOption": "NO_UPFRONT", "NextPageToken": "p2"})

    made = stub_client(monkeypatch, ce_reservation_recommendations_info.AnsibleAWSModule, "ce", setup)
    failed, result = run_module(ce_reservation_recommendations_info, dict(
        services=["Amazon Relational Database Service"], lookback_period="SEVEN_DAYS"))
    assert not failed, result
    made[0].assert_no_pending_responses()
    assert result["total_estimated_monthly_savings"] == 51.2
    assert result["recommendations"][0]["instance_type"] == "db.t3.large"
