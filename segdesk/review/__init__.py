"""One filing's review: the aggregate and its record, the verdict, sign-off, the audit trail."""
