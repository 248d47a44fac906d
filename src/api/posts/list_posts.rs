use serde::Deserialize;

use crate::api::prelude::*;
use crate::db::content::PostSort;

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    New,
    Top,
    Active,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostsQuery {
    /// `new` (the default), `top`, or `active` (newest reply first). Pinned threads
    /// always come first.
    #[param(inline)]
    sort: Option<Sort>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// A community's threads.
#[utoipa::path(get, path = "/communities/{name}/posts", tag = "posts",
    params(("name" = String, Path, description = "Community name"), PostsQuery),
    responses((status = 200, body = Page<PostView>), (status = 403, body = ErrorBody)))]
pub async fn list_posts(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<PostsQuery>,
) -> AppResult<Json<Page<PostView>>> {
    let sort = match q.sort.unwrap_or(Sort::New) {
        Sort::New => PostSort::New,
        Sort::Top => PostSort::Top,
        Sort::Active => PostSort::Active,
    };
    let params = PageParams {
        cursor: q.cursor,
        limit: q.limit,
    };
    let page = services::posts::list(&state, viewer.as_ref(), &name, sort, params).await?;
    Ok(Json(page.map(Into::into)))
}
