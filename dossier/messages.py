"""French and English messages of every error code the dossier schema and rules produce."""

from dossier.i18n import register

_AMOUNT = {
    "fr": "Montant invalide : écrivez un nombre avec au plus 2 décimales séparées par un point "
          "(ex. 1329243.00).",
    "en": "Invalid amount: write a number with at most 2 decimals after a dot (e.g. 1329243.00).",
}
_INTEGER = {"fr": "Un nombre entier est attendu.", "en": "A whole number is expected."}
_BOOL = {"fr": "Oui ou non (true ou false) est attendu.",
         "en": "Yes or no (true or false) is expected."}
_DATE = {"fr": "Une date au format AAAA-MM-JJ est attendue (ex. 2021-03-15).",
         "en": "A date in the YYYY-MM-DD format is expected (e.g. 2021-03-15)."}
_URL = {"fr": "Adresse web invalide : elle doit commencer par https:// ou http://.",
        "en": "Invalid web address: it must start with https:// or http://."}
_OBJECT = {"fr": "Un groupe de champs (objet JSON) est attendu ici.",
           "en": "A group of fields (a JSON object) is expected here."}
_UNBALANCED = ("La somme des {what_fr} ({actual} €) doit être égale au besoin total "
               "({expected} €) ; écart : {difference} €.",
               "The {what_en} add up to {actual} € but the total need is {expected} €; "
               "difference: {difference} €.")

MESSAGES: dict[str, dict[str, str]] = {
    # pydantic's own error types
    "missing": {"fr": "Ce champ est obligatoire.", "en": "This field is required."},
    "extra_forbidden": {"fr": "Ce champ ne fait pas partie du dossier.",
                        "en": "This field is not part of the dossier."},
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dict_type": _OBJECT,
    "list_type": {"fr": "Une liste est attendue ici.", "en": "A list is expected here."},
    "too_short": {"fr": "Il faut au moins {min_length} élément(s).",
                  "en": "At least {min_length} item(s) are needed."},
    "too_long": {"fr": "Au plus {max_length} élément(s) (il y en a {actual_length}).",
                 "en": "At most {max_length} item(s) ({actual_length} given)."},
    "string_type": {"fr": "Du texte est attendu.", "en": "Text is expected."},
    "string_unicode": {"fr": "Le texte contient des caractères invalides.",
                       "en": "The text contains invalid characters."},
    "string_too_short": {"fr": "Ce champ ne peut pas être vide.",
                         "en": "This field cannot be empty."},
    "string_too_long": {"fr": "Texte trop long : {max_length} caractères au plus.",
                        "en": "Text too long: at most {max_length} characters."},
    "string_pattern_mismatch": {"fr": "Le format de ce champ n'est pas valide.",
                                "en": "This field's format is not valid."},
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": _INTEGER,
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "greater_than": {"fr": "La valeur doit être supérieure à {gt}.",
                     "en": "The value must be greater than {gt}."},
    "greater_than_equal": {"fr": "La valeur doit être supérieure ou égale à {ge}.",
                           "en": "The value must be greater than or equal to {ge}."},
    "less_than": {"fr": "La valeur doit être inférieure à {lt}.",
                  "en": "The value must be less than {lt}."},
    "less_than_equal": {"fr": "La valeur doit être inférieure ou égale à {le}.",
                        "en": "The value must be less than or equal to {le}."},
    "decimal_type": _AMOUNT,
    "decimal_parsing": _AMOUNT,
    "decimal_max_places": {"fr": "Au plus {decimal_places} décimales (les centimes).",
                           "en": "At most {decimal_places} decimals (cents)."},
    "decimal_whole_digits": {"fr": "Au plus {whole_digits} chiffres avant la virgule.",
                             "en": "At most {whole_digits} digits before the decimal point."},
    "decimal_max_digits": {"fr": "Au plus {max_digits} chiffres au total.",
                           "en": "At most {max_digits} digits in total."},
    "number_too_large": {"fr": "Nombre refusé : plus de {max_digits} chiffres ou un exposant "
                               "au-delà de {max_exponent}.",
                         "en": "Number refused: more than {max_digits} digits or an exponent "
                               "beyond {max_exponent}."},
    "json_too_deep": {"fr": "Le JSON est trop profondément imbriqué (au plus {max_depth} "
                            "niveaux).",
                      "en": "The JSON is nested too deeply (at most {max_depth} levels)."},
    "json_invalid": {"fr": "JSON invalide : {reason}.", "en": "Invalid JSON: {reason}."},
    "finite_number": {"fr": "Un nombre est attendu (NaN et l'infini sont refusés).",
                      "en": "A number is expected (NaN and infinity are refused)."},
    "enum": {"fr": "Valeur non reconnue ; valeurs possibles : {expected}.",
             "en": "Unknown value; possible values: {expected}."},
    "literal_error": {"fr": "Valeur attendue : {expected}.", "en": "Expected value: {expected}."},
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "url_type": _URL,
    "url_parsing": _URL,
    "url_scheme": _URL,
    "url_syntax_violation": _URL,
    "url_too_long": {"fr": "Adresse web trop longue ({max_length} caractères au plus).",
                     "en": "Web address too long (at most {max_length} characters)."},
    "value_error": {"fr": "Valeur invalide.", "en": "Invalid value."},
    # the dossier's own codes
    "control_characters": {
        "fr": "Le texte contient des caractères de contrôle invisibles ; retirez-les.",
        "en": "The text contains invisible control characters; please remove them."},
    "siren_invalid": {
        "fr": "Le SIREN n'est pas valide : 9 chiffres, tels qu'ils figurent sur l'extrait Kbis.",
        "en": "The SIREN is not valid: 9 digits, as shown on the Kbis extract."},
    "siret_invalid": {
        "fr": "Le SIRET n'est pas valide : 14 chiffres, tels qu'ils figurent sur l'extrait Kbis.",
        "en": "The SIRET is not valid: 14 digits, as shown on the Kbis extract."},
    "siret_siren_mismatch": {"fr": "Le SIRET doit commencer par le SIREN ({siren}).",
                             "en": "The SIRET must start with the SIREN ({siren})."},
    "naf_code_invalid": {"fr": "Le code NAF/APE s'écrit comme 26.70Z.",
                         "en": "The NAF/APE code is written like 26.70Z."},
    "postal_code_invalid": {"fr": "Le code postal doit comporter 5 chiffres.",
                            "en": "The postal code must have 5 digits."},
    "country_invalid": {"fr": "Code pays inconnu ({country}) : 2 lettres, par exemple FR.",
                        "en": "Unknown country code ({country}): 2 letters, for example FR."},
    "iban_invalid": {"fr": "L'IBAN n'est pas valide ; vérifiez-le sur votre RIB.",
                     "en": "The IBAN is not valid; check it against your bank details."},
    "bic_invalid": {"fr": "Le BIC n'est pas valide (8 ou 11 caractères, ex. CEPAFRPP131).",
                    "en": "The BIC is not valid (8 or 11 characters, e.g. CEPAFRPP131)."},
    "email_invalid": {"fr": "L'adresse e-mail n'est pas valide.",
                      "en": "The e-mail address is not valid."},
    "phone_invalid": {
        "fr": "Numéro de téléphone invalide : ex. 06 12 34 56 78 ou +33 6 12 34 56 78.",
        "en": "Invalid phone number: e.g. +33 6 12 34 56 78 or 06 12 34 56 78."},
    "date_in_future": {"fr": "La date ne peut pas être postérieure à aujourd'hui ({today}).",
                       "en": "The date cannot be later than today ({today})."},
    "year_in_future": {"fr": "L'année ne peut pas dépasser l'année en cours ({max_year}).",
                       "en": "The year cannot be later than the current year ({max_year})."},
    "duplicate_year": {"fr": "L'année {year} figure déjà plus haut.",
                       "en": "The year {year} is already listed above."},
    "duplicate_label": {"fr": "Le label {label} figure déjà dans la liste.",
                        "en": "The label {label} is already in the list."},
    "duplicate_partner": {"fr": "Le partenaire {partner} est déjà sollicité plus haut.",
                          "en": "The partner {partner} is already requested above."},
    "unknown_partner": {"fr": "Partenaire inconnu : {partner}.",
                        "en": "Unknown partner: {partner}."},
    "instrument_not_offered": {
        "fr": "Le partenaire {partner} ne propose pas « {instrument} » ; il propose : {offered}.",
        "en": "The partner {partner} does not offer \"{instrument}\"; it offers: {offered}."},
    "amount_required": {"fr": "Indiquez le montant demandé ({instrument}).",
                        "en": "Give the amount requested ({instrument})."},
    "amount_not_applicable": {
        "fr": "Une demande de conseil (advice) n'a pas de montant ; laissez ce champ vide.",
        "en": "An advice request has no amount; leave this field empty."},
    "uses_unbalanced": {"fr": _UNBALANCED[0].replace("{what_fr}", "emplois"),
                        "en": _UNBALANCED[1].replace("{what_en}", "uses")},
    "sources_unbalanced": {"fr": _UNBALANCED[0].replace("{what_fr}", "ressources"),
                           "en": _UNBALANCED[1].replace("{what_en}", "sources")},
    "equity_over_100": {
        "fr": "Les parts des fondateurs totalisent {total} % : pas plus de 100 %.",
        "en": "The founders' shares add up to {total}%: no more than 100%."},
}

register(MESSAGES)
