-- Runs once, when the postgres-data volume is first initialised (docker-entrypoint-initdb.d), as
-- POSTGRES_USER connected to the `passos` database. MLflow keeps its tracking and registry tables
-- in a database of its own, so that `alembic` migrations of MLflow never touch the product's.
CREATE DATABASE mlflow;
