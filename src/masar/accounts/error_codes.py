from enum import StrEnum


class AccountsError(StrEnum):
    ROLE_NOT_ALLOWED = "role_not_allowed_for_organization"
    USERNAME_TAKEN = "username_taken"
    ORGANIZATION_CODE_TAKEN = "organization_code_taken"
    UNKNOWN_SCOPE = "unknown_token_scope"
    TOKEN_NOT_FOUND = "token_not_found"  # noqa: S105 - an error code, not a secret
    TOKEN_EXPIRY_INVALID = "token_expiry_invalid"  # noqa: S105 - an error code
    TOKEN_LONG_LIVED_NOT_ALLOWED = "token_long_lived_not_allowed"  # noqa: S105 - an error code
    SECOND_FACTOR_CONFIRMATION_REQUIRED = "second_factor_confirmation_required"
    SECOND_FACTOR_CODE_INVALID = "second_factor_code_invalid"
    ENROLMENT_CODE_INVALID = "enrolment_code_invalid"
    ALREADY_ENROLLED = "second_factor_already_enrolled"
    NOT_ENROLLED = "second_factor_not_enrolled"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    USER_NOT_FOUND = "user_not_found"
    NOT_ALLOWED = "not_allowed"
