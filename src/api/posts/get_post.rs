use crate::api::prelude::*;

/// A thread.
#[utoipa::path(get, path = "/posts/{id}", tag = "posts", params(("id" = i64, Path, description = "Thread id")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn get_post(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PostView>> {
    Ok(Json(
        services::posts::get(&state, viewer.as_ref(), id)
            .await?
            .into(),
    ))
}
