"""The form: templates (data in resources/forms), their formula language, key figures."""
