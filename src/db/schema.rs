//! The diesel schema shared by both backends. `tests/schema.rs` checks that the
//! SQLite and PostgreSQL migrations produce exactly these tables and columns.

diesel::table! {
    site_settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    local_names (name) {
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    persons (id) {
        id -> BigInt,
        name -> Text,
        domain -> Nullable<Text>,
        ap_id -> Nullable<Text>,
        display_name -> Nullable<Text>,
        job_title -> Nullable<Text>,
        organisation -> Nullable<Text>,
        region -> Nullable<Text>,
        bio -> Text,
        bio_html -> Text,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        public_key -> Nullable<Text>,
        private_key -> Nullable<Text>,
        inbox_url -> Nullable<Text>,
        shared_inbox_url -> Nullable<Text>,
        last_refreshed_at -> Nullable<Timestamp>,
        interests -> Nullable<Text>,
        in_directory -> Bool,
    }
}

diesel::table! {
    local_users (id) {
        id -> BigInt,
        person_id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        approved -> Bool,
        application -> Nullable<Text>,
        created_at -> Timestamp,
        email_verified -> Bool,
        digest -> Text,
        last_digest_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    auth_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        kind -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invites (id) {
        id -> BigInt,
        code_hash -> Text,
        created_by -> BigInt,
        used_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    communities (id) {
        id -> BigInt,
        name -> Text,
        domain -> Nullable<Text>,
        ap_id -> Nullable<Text>,
        title -> Text,
        description -> Text,
        description_html -> Text,
        visibility -> Text,
        posting_restricted -> Bool,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        public_key -> Nullable<Text>,
        private_key -> Nullable<Text>,
        inbox_url -> Nullable<Text>,
        shared_inbox_url -> Nullable<Text>,
        last_refreshed_at -> Nullable<Timestamp>,
        microblog_comments -> Bool,
        member_count -> BigInt,
    }
}

diesel::table! {
    community_moderators (community_id, person_id) {
        community_id -> BigInt,
        person_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    community_members (community_id, person_id) {
        community_id -> BigInt,
        person_id -> BigInt,
        state -> Text,
        created_at -> Timestamp,
        follow_activity_id -> Nullable<Text>,
    }
}

diesel::table! {
    community_bans (community_id, person_id) {
        community_id -> BigInt,
        person_id -> BigInt,
        banned_by -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    instance_bans (person_id) {
        person_id -> BigInt,
        banned_by -> Nullable<BigInt>,
        reason -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    peer_software (host) {
        host -> Text,
        software -> Text,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    person_followers (person_id, follower_id) {
        person_id -> BigInt,
        follower_id -> BigInt,
        follow_ap_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        community_id -> BigInt,
        author_id -> BigInt,
        ap_id -> Nullable<Text>,
        title -> Text,
        url -> Nullable<Text>,
        body -> Text,
        body_html -> Text,
        pinned -> Bool,
        locked -> Bool,
        removed -> Bool,
        deleted -> Bool,
        upvotes -> Integer,
        downvotes -> Integer,
        comment_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        content_warning -> Nullable<Text>,
        active_at -> Timestamp,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        post_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        ap_id -> Nullable<Text>,
        body -> Text,
        body_html -> Text,
        depth -> Integer,
        removed -> Bool,
        deleted -> Bool,
        upvotes -> Integer,
        downvotes -> Integer,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_votes (post_id, person_id) {
        post_id -> BigInt,
        person_id -> BigInt,
        score -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comment_votes (comment_id, person_id) {
        comment_id -> BigInt,
        person_id -> BigInt,
        score -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        community_id -> BigInt,
        reporter_id -> BigInt,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        reason -> Text,
        resolved -> Bool,
        resolved_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mod_log (id) {
        id -> BigInt,
        community_id -> Nullable<BigInt>,
        moderator_id -> BigInt,
        action -> Text,
        target_person_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    polls (post_id) {
        post_id -> BigInt,
        multiple -> Bool,
        closes_at -> Nullable<Timestamp>,
        voters_count -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    poll_options (id) {
        id -> BigInt,
        post_id -> BigInt,
        position -> Integer,
        name -> Text,
        votes -> Integer,
    }
}

diesel::table! {
    poll_votes (option_id, person_id) {
        option_id -> BigInt,
        person_id -> BigInt,
        post_id -> BigInt,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (post_id) {
        post_id -> BigInt,
        community_id -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        timezone -> Text,
        address -> Nullable<Text>,
        online_link -> Nullable<Text>,
        capacity -> Nullable<Integer>,
        join_mode -> Text,
        going_count -> Integer,
        maybe_count -> Integer,
        cancelled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_rsvps (post_id, person_id) {
        post_id -> BigInt,
        person_id -> BigInt,
        status -> Text,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_sessions (id) {
        id -> BigInt,
        event_id -> BigInt,
        post_id -> BigInt,
        title -> Text,
        speaker -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    received_activities (ap_id) {
        ap_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        activity_id -> Text,
        inbox_url -> Text,
        payload -> Text,
        signer_kind -> Text,
        signer_id -> BigInt,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        claim_token -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        object_key -> Nullable<Text>,
        replaceable -> Bool,
    }
}

diesel::table! {
    federation_peers (domain) {
        domain -> Text,
        state -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    peer_health (host) {
        host -> Text,
        failing_since -> Nullable<Timestamp>,
        dead -> Bool,
        last_success_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    blog_posts (id) {
        id -> BigInt,
        author_id -> BigInt,
        ap_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        body_html -> Text,
        deleted -> Bool,
        comment_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    blog_comments (id) {
        id -> BigInt,
        blog_post_id -> BigInt,
        author_id -> BigInt,
        ap_id -> Nullable<Text>,
        body -> Text,
        body_html -> Text,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        recipient_id -> BigInt,
        kind -> Text,
        actor_id -> Nullable<BigInt>,
        summary -> Text,
        link -> Text,
        community_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        blog_post_id -> Nullable<BigInt>,
        event_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_verifications (user_id) {
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    document_folders (id) {
        id -> BigInt,
        community_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        community_id -> BigInt,
        post_id -> BigInt,
        folder_id -> Nullable<BigInt>,
        current_version -> Integer,
        uploader_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    document_versions (id) {
        id -> BigInt,
        document_id -> BigInt,
        version -> Integer,
        content_hash -> Text,
        size_bytes -> BigInt,
        media_type -> Text,
        file_name -> Text,
        uploader_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(local_users -> persons (person_id));
diesel::joinable!(blog_posts -> persons (author_id));
diesel::joinable!(blog_comments -> blog_posts (blog_post_id));
diesel::joinable!(blog_comments -> persons (author_id));
diesel::joinable!(email_verifications -> local_users (user_id));
diesel::joinable!(posts -> communities (community_id));
diesel::joinable!(posts -> persons (author_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(comments -> persons (author_id));
diesel::joinable!(community_members -> communities (community_id));
diesel::joinable!(community_members -> persons (person_id));
diesel::joinable!(community_moderators -> communities (community_id));
diesel::joinable!(community_moderators -> persons (person_id));
diesel::joinable!(community_bans -> communities (community_id));
diesel::joinable!(instance_bans -> persons (person_id));
diesel::joinable!(auth_tokens -> local_users (user_id));
diesel::joinable!(polls -> posts (post_id));
diesel::joinable!(poll_options -> polls (post_id));
diesel::joinable!(poll_votes -> poll_options (option_id));
diesel::joinable!(poll_votes -> persons (person_id));
diesel::joinable!(events -> posts (post_id));
diesel::joinable!(event_rsvps -> events (post_id));
diesel::joinable!(event_rsvps -> persons (person_id));
diesel::joinable!(documents -> posts (post_id));
diesel::joinable!(documents -> persons (uploader_id));
diesel::joinable!(document_versions -> documents (document_id));

diesel::allow_tables_to_appear_in_same_query!(
    site_settings,
    local_names,
    persons,
    local_users,
    auth_tokens,
    invites,
    communities,
    community_moderators,
    community_members,
    community_bans,
    instance_bans,
    posts,
    comments,
    post_votes,
    comment_votes,
    polls,
    poll_options,
    poll_votes,
    events,
    event_rsvps,
    event_sessions,
    document_folders,
    documents,
    document_versions,
    reports,
    mod_log,
    received_activities,
    deliveries,
    peer_health,
    peer_software,
    person_followers,
    federation_peers,
    blog_posts,
    blog_comments,
    notifications,
    email_verifications,
);
