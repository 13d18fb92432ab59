-- A change-feed row may stand for several consecutive events (a bulk import
-- chunk): it owns sequence numbers seq .. seq+span-1 and is expanded into one
-- event per record when the feed is read (docs/architecture.md, "Change feed").
ALTER TABLE changes ADD COLUMN span INTEGER NOT NULL DEFAULT 1;
