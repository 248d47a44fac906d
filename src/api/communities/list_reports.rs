use crate::api::prelude::*;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// List resolved reports instead of open ones.
    resolved: Option<bool>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// Reports about the community's content. Facilitators only.
#[utoipa::path(get, path = "/communities/{name}/reports", tag = "moderation",
    params(("name" = String, Path, description = "Community name"), ReportsQuery),
    responses((status = 200, body = Page<ReportView>), (status = 403, body = ErrorBody)))]
pub async fn list_reports(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<ReportsQuery>,
) -> AppResult<Json<Page<ReportView>>> {
    let params = PageParams {
        cursor: q.cursor,
        limit: q.limit,
    };
    let page =
        services::moderation::reports(&state, &auth, &name, q.resolved.unwrap_or(false), params)
            .await?;
    Ok(Json(page.map(Into::into)))
}
