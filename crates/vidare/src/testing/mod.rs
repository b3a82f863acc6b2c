//! Questionnaire test cases written in YAML, and coverage over them.
