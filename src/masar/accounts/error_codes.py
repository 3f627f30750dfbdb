from enum import StrEnum


class AccountsError(StrEnum):
    ROLE_NOT_ALLOWED = "role_not_allowed_for_organization"
    USERNAME_TAKEN = "username_taken"
    ORGANIZATION_CODE_TAKEN = "organization_code_taken"
    UNKNOWN_SCOPE = "unknown_token_scope"
    TOKEN_NOT_FOUND = "token_not_found"  # noqa: S105 - an error code, not a secret
    NOT_ALLOWED = "not_allowed"
