from sinergi.analytics.extract import bank_accounts, masked


def test_bank_accounts_are_found_with_their_bank():
    text = "transfer ke rekening BRI 1234 5678 90 atau BCA a.n. Siti 0123456789; BNI 123 (bukan rekening)"
    assert bank_accounts(text) == [("BRI", "1234567890"), ("BCA", "0123456789")]
    assert masked("1234567890") == "…7890"


def test_a_phone_number_alone_is_no_bank_account():
    assert bank_accounts("WA 0812-0555-1234") == []
