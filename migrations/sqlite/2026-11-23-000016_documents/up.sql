-- The document library. A document is a thread of its community: its title and
-- description are the thread's title and body, so search, comments, votes, moderation
-- and federation all reach it through the thread. These tables add the files.
CREATE TABLE document_folders (
    id INTEGER PRIMARY KEY NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES document_folders (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- Folder names are unique among their siblings; top-level folders have no parent.
CREATE UNIQUE INDEX document_folders_name
    ON document_folders (community_id, COALESCE(parent_id, 0), name);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    folder_id BIGINT REFERENCES document_folders (id) ON DELETE SET NULL,
    current_version INTEGER NOT NULL,
    uploader_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_community ON documents (community_id, folder_id, id);

-- Every version stays. The bytes live in file storage under their SHA-256, so the same
-- file uploaded twice is stored once.
CREATE TABLE document_versions (
    id INTEGER PRIMARY KEY NOT NULL,
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    uploader_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (document_id, version)
);
CREATE INDEX document_versions_hash ON document_versions (content_hash);
