import { NextResponse } from "next/server";
import { prisma } from "@/lib/db";

export async function GET(request: Request) {
  const authorId = new URL(request.url).searchParams.get("authorId") ?? "";
  const posts = await prisma.post.findMany({ where: { authorId } });
  return NextResponse.json(posts);
}
