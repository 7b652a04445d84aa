"""French and English messages of every error code the dossier schema and rules produce."""

from dossier.catalogue import N_, N_plural
from dossier.i18n import register

_AMOUNT = N_("Invalid amount: write a number with at most 2 decimals after a dot (e.g. "
             "1329243.00).")
_INTEGER = N_("A whole number is expected.")
_BOOL = N_("Yes or no (true or false) is expected.")
_DATE = N_("A date in the YYYY-MM-DD format is expected (e.g. 2021-03-15).")
_URL = N_("Invalid web address: it must start with https:// or http://.")
_OBJECT = N_("A group of fields (a JSON object) is expected here.")

MESSAGES: dict[str, str | tuple[str, str, str]] = {
    # pydantic's own error types
    "missing": N_("This field is required."),
    "extra_forbidden": N_("This field is not part of the dossier."),
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dict_type": _OBJECT,
    "list_type": N_("A list is expected here."),
    "too_short": N_plural("At least {min_length} item is needed.",
                          "At least {min_length} items are needed.", "min_length"),
    "too_long": N_plural("At most {max_length} item ({actual_length} given).",
                         "At most {max_length} items ({actual_length} given).", "max_length"),
    "string_type": N_("Text is expected."),
    "string_unicode": N_("The text contains invalid characters."),
    "string_too_short": N_("This field cannot be empty."),
    "string_too_long": N_("Text too long: at most {max_length} characters."),
    "string_pattern_mismatch": N_("This field's format is not valid."),
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": _INTEGER,
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "greater_than": N_("The value must be greater than {gt}."),
    "greater_than_equal": N_("The value must be greater than or equal to {ge}."),
    "less_than": N_("The value must be less than {lt}."),
    "less_than_equal": N_("The value must be less than or equal to {le}."),
    "decimal_type": _AMOUNT,
    "decimal_parsing": _AMOUNT,
    "decimal_max_places": N_("At most {decimal_places} decimals (cents)."),
    "decimal_whole_digits": N_("At most {whole_digits} digits before the decimal point."),
    "decimal_max_digits": N_("At most {max_digits} digits in total."),
    "number_too_large": N_("Number refused: more than {max_digits} digits or an exponent "
                           "beyond {max_exponent}."),
    "json_too_deep": N_("The JSON is nested too deeply (at most {max_depth} levels)."),
    "json_invalid": N_("Invalid JSON: {reason}."),
    "finite_number": N_("A number is expected (NaN and infinity are refused)."),
    "enum": N_("Unknown value; possible values: {expected}."),
    "literal_error": N_("Expected value: {expected}."),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "url_type": _URL,
    "url_parsing": _URL,
    "url_scheme": _URL,
    "url_syntax_violation": _URL,
    "url_too_long": N_("Web address too long (at most {max_length} characters)."),
    "value_error": N_("Invalid value."),
    # the dossier's own codes
    "control_characters": N_("The text contains invisible control characters; please remove "
                             "them."),
    "siren_invalid": N_("The SIREN is not valid: 9 digits, as shown on the Kbis extract."),
    "siret_invalid": N_("The SIRET is not valid: 14 digits, as shown on the Kbis extract."),
    "siret_siren_mismatch": N_("The SIRET must start with the SIREN ({siren})."),
    "naf_code_invalid": N_("The NAF/APE code is written like 26.70Z."),
    "postal_code_invalid": N_("The postal code must have 5 digits."),
    "country_invalid": N_("Unknown country code ({country}): 2 letters, for example FR."),
    "iban_invalid": N_("The IBAN is not valid; check it against your bank details."),
    "bic_invalid": N_("The BIC is not valid (8 or 11 characters, e.g. CEPAFRPP131)."),
    "email_invalid": N_("The e-mail address is not valid."),
    "phone_invalid": N_("Invalid phone number: e.g. +33 6 12 34 56 78 or 06 12 34 56 78."),
    "date_in_future": N_("The date cannot be later than today ({today})."),
    "year_in_future": N_("The year cannot be later than the current year ({max_year})."),
    "duplicate_year": N_("The year {year} is already listed above."),
    "duplicate_label": N_("The label {label} is already in the list."),
    "duplicate_partner": N_("The partner {partner} is already requested above."),
    "unknown_partner": N_("Unknown partner: {partner}."),
    "instrument_not_offered": N_("The partner {partner} does not offer \"{instrument}\"; it "
                                 "offers: {offered}."),
    "amount_required": N_("Give the amount requested ({instrument})."),
    "amount_not_applicable": N_("An advice request has no amount; leave this field empty."),
    "uses_unbalanced": N_("The uses add up to {actual} € but the total need is {expected} "
                          "€; difference: {difference} €."),
    "sources_unbalanced": N_("The sources add up to {actual} € but the total need is "
                             "{expected} €; difference: {difference} €."),
    "equity_over_100": N_("The founders' shares add up to {total}%: no more than 100%."),
    "pending_input": N_("The value typed here (\"{typed}\") is not valid yet: correct it "
                        "or clear it before submitting."),
    # the company registry
    "invalid_company_number": N_("Not a valid SIREN (9 digits) or SIRET (14 digits): check "
                                 "the number, its last digit is a checksum."),
    "company_not_in_registry": N_("The company registry knows no company with this number."),
    # FEC files (the accounting export read into the financial history)
    "fec_refused": N_("This file is not a readable FEC (line {line})."),
    "fec_bad_header": N_("Line {line}: the first line must name the 18 columns of a FEC "
                         "(missing: {detail})."),
    "fec_bad_columns": N_("Line {line}: wrong number of columns ({detail})."),
    "fec_bad_amount": N_("Line {line}: unreadable amount ({detail})."),
    "fec_bad_date": N_("Line {line}: unreadable date, YYYYMMDD expected ({detail})."),
    "fec_bad_account": N_("Line {line}: the account number must start with a digit ({detail})."),
    "fec_bad_sense": N_("Line {line}: the Sens column must be D or C ({detail})."),
    "fec_line_too_long": N_("Line {line} is too long for a FEC line."),
    "fec_empty": N_("The file is empty."),
    "fec_no_entries": N_("The file holds no accounting entry after its header."),
    "fec_no_file": N_("Choose the FEC file to read."),
    "fec_nothing_checked": N_("Tick at least one financial year to save, or cancel."),
    "fec_negative": N_("The file gives {amount} €; the dossier expects an amount of 0 or "
                       "more, so 0 is proposed: check this figure."),
    "company_closed": N_("The company registry reports this company as closed (checked on "
                         "{date}): a closed company cannot apply for funding."),
    # after a decision (issue 16)
    "condition_partner_unknown": N_("The dossier was not sent to this partner: choose one "
                                    "of the partners it was sent to."),
    "condition_partner_twice": N_("This partner is already named in a condition."),
    "offer_not_accepted": N_("The founder has not accepted the offer yet: no payment can be "
                             "recorded."),
    "disbursement_exceeds_approved": N_("This payment would exceed the approved amount: "
                                        "{remaining_eur} € remain to be paid."),
    "revision_window_closed": N_("The decision can no longer be revised: it may be revised "
                                 "only within {days} days of the decision."),
    "condition_pending": N_("This offer depends on another partner's approval, which has "
                            "not come yet: it can be accepted once the condition is met."),
    "condition_failed": N_("This offer depended on another partner's approval, which was not "
                           "given: it cannot be accepted as it stands."),
    "mediation_open": N_("A referral to the Médiation du crédit is already open for this "
                         "dossier."),
    "mediation_not_possible": N_("Only a bank's refusal can be taken to the Médiation du "
                                 "crédit."),
}

register(MESSAGES)
