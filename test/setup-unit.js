// Unit tests start many apps: keep their logs quiet unless a test asks for a level.
process.env.LOG_LEVEL ??= 'silent';
