use crate::api::prelude::*;

/// Deletes a blog post; only its author may. Followers elsewhere receive a `Delete`.
#[utoipa::path(delete, path = "/blog/{id}", tag = "blogs",
    params(("id" = i64, Path, description = "Blog post id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn delete_blog_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    services::blogs::delete(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
