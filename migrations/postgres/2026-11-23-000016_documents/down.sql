DROP TABLE document_versions;
DROP TABLE documents;
DROP TABLE document_folders;
